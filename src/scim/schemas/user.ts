import type { SchemaDefinition } from './attribute';
import { bool, complex, multiValuedSubAttributes, ref, str } from './attribute';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const name = complex('name', "The components of the user's real name.", [
  str('formatted', 'The full name, formatted for display.'),
  str('familyName', 'The family name.'),
  str('givenName', 'The given name.'),
  str('middleName', 'The middle name(s).'),
  str('honorificPrefix', 'The honorific prefix(es), such as "Ms.".'),
  str('honorificSuffix', 'The honorific suffix(es), such as "III".'),
]);

const addresses = complex(
  'addresses',
  'Physical mailing addresses.',
  [
    str('formatted', 'The full mailing address, formatted for display.'),
    str('streetAddress', 'The full street address.'),
    str('locality', 'The city or locality.'),
    str('region', 'The state or region.'),
    str('postalCode', 'The zip or postal code.'),
    str('country', 'The country name in ISO 3166-1 alpha-2 code format.'),
    str('type', 'A label indicating the function of the address.', {
      canonicalValues: ['work', 'home', 'other'],
    }),
    bool('primary', 'Whether this is the preferred address.'),
  ],
  { multiValued: true },
);

const groups = complex(
  'groups',
  'The groups the user belongs to; maintained through the Group resource.',
  [
    str('value', 'The id of the group.', { mutability: 'readOnly' }),
    ref('$ref', 'The URI of the group.', ['Group'], { mutability: 'readOnly' }),
    str('display', 'The display name of the group.', { mutability: 'readOnly' }),
    str('type', 'How the membership came about.', {
      canonicalValues: ['direct', 'indirect'],
      mutability: 'readOnly',
    }),
  ],
  { multiValued: true, mutability: 'readOnly' },
);

/** RFC 7643 §4.1. */
export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User account',
  attributes: [
    str('userName', 'Unique identifier for the user, used to sign in.', {
      required: true,
      uniqueness: 'server',
    }),
    name,
    str('displayName', 'The name of the user, suitable for display.'),
    str('nickName', 'The casual way to address the user.'),
    ref('profileUrl', "A URI of the user's online profile.", ['external']),
    str('title', "The user's title, such as \"Vice President\"."),
    str('userType', 'The relationship between the organization and the user.'),
    str('preferredLanguage', "The user's preferred written or spoken language."),
    str('locale', "The user's default location, for localizing."),
    str('timezone', "The user's time zone in IANA format."),
    bool('active', "The user's administrative status."),
    str('password', "The user's cleartext password; never stored or returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    complex('emails', 'Email addresses for the user.', multiValuedSubAttributes('string', ['work', 'home', 'other']), {
      multiValued: true,
    }),
    complex(
      'phoneNumbers',
      'Phone numbers for the user.',
      multiValuedSubAttributes('string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
      { multiValued: true },
    ),
    complex('ims', 'Instant messaging addresses.', multiValuedSubAttributes('string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']), {
      multiValued: true,
    }),
    complex('photos', 'URLs of images of the user.', multiValuedSubAttributes('reference', ['photo', 'thumbnail'], { referenceTypes: ['external'] }), {
      multiValued: true,
    }),
    addresses,
    groups,
    complex('entitlements', 'Entitlements of the user.', multiValuedSubAttributes('string', []), {
      multiValued: true,
    }),
    complex('roles', 'Roles of the user as the directory names them.', multiValuedSubAttributes('string', []), {
      multiValued: true,
    }),
    complex('x509Certificates', 'X.509 certificates of the user.', multiValuedSubAttributes('binary', []), {
      multiValued: true,
    }),
  ],
};

/** RFC 7643 §4.3. */
export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise user',
  attributes: [
    str('employeeNumber', 'Identifier assigned by the organization.'),
    str('costCenter', 'The name of a cost center.'),
    str('organization', 'The name of an organization.'),
    str('division', 'The name of a division.'),
    str('department', 'The name of a department.'),
    complex('manager', "The user's manager.", [
      str('value', 'The id of the manager.'),
      ref('$ref', 'The URI of the manager.', ['User']),
      str('displayName', 'The display name of the manager.', { mutability: 'readOnly' }),
    ]),
  ],
};
