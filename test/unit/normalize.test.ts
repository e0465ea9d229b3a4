import fc from 'fast-check';
import { ScimError } from '../../src/scim/errors';
import { normalizeGroup, normalizeResource } from '../../src/scim/resource/normalize';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  groupResourceType,
  userResourceType,
} from '../../src/scim/schemas/resource-types';
import { expectRefusal, scimErrorOf } from '../support/scim-errors';
import { unitFixture } from '../support/unit-fixture';

function user(attributes: Record<string, unknown>): Record<string, unknown> {
  return { schemas: [USER_SCHEMA], userName: 'ada@example.com', ...attributes };
}

describe('normalizeResource for a User', () => {
  it('keeps an Okta create and drops the password and the read-only groups', () => {
    const result = normalizeResource(
      userResourceType,
      unitFixture('okta-create-user.json'),
      'create',
    );

    expect(result).toEqual({
      schemas: [USER_SCHEMA],
      externalId: '00u1okta',
      userName: 'maya.okonkwo@example.com',
      name: { familyName: 'Okonkwo', givenName: 'Maya' },
      displayName: 'Maya Okonkwo',
      locale: 'en-US',
      active: true,
      emails: [{ value: 'maya.okonkwo@example.com', type: 'work', primary: true }],
    });
    expect(JSON.stringify(result)).not.toContain('pW7#kq2Lm9');
  });

  it('ignores the id, meta and groups an Okta PUT echoes, and keeps the email display', () => {
    const result = normalizeResource(
      userResourceType,
      unitFixture('okta-put-user.json'),
      'replace',
    );

    expect(result.id).toBeUndefined();
    expect(result.meta).toBeUndefined();
    expect(result.groups).toBeUndefined();
    expect(result.name).toEqual({ familyName: 'Rostami', givenName: 'Hamid', middleName: 'Jalil' });
    expect(result.emails).toEqual([
      {
        value: 'hamid.rostami@example.com',
        display: 'hamid.rostami@example.com',
        type: 'work',
        primary: true,
      },
    ]);
  });

  it('accepts an Entra create with meta, empty roles and the manager as a plain id', () => {
    const result = normalizeResource(
      userResourceType,
      unitFixture('entra-create-user.json'),
      'create',
    );

    expect(result.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    expect(result.roles).toBeUndefined();
    expect(result.meta).toBeUndefined();
    expect(result[ENTERPRISE_USER_SCHEMA]).toEqual({
      employeeNumber: 'E-0042',
      costCenter: 'CC-4410',
      organization: 'Contoso Test',
      division: 'Operations',
      department: 'Procurement',
      manager: { value: '7d9e1f20-manager-id' },
    });
  });

  it('spells attribute names as the schema does, whatever case the client used', () => {
    const result = normalizeResource(
      userResourceType,
      {
        SCHEMAS: [USER_SCHEMA.toUpperCase()],
        USERNAME: 'ada@example.com',
        Name: { GIVENNAME: 'Ada' },
        eMaIlS: [{ VALUE: 'ada@example.com', Primary: true }],
        'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER': { DEPARTMENT: 'Survey' },
      },
      'create',
    );

    expect(result).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'ada@example.com',
      name: { givenName: 'Ada' },
      emails: [{ value: 'ada@example.com', primary: true }],
      [ENTERPRISE_USER_SCHEMA]: { department: 'Survey' },
    });
  });

  it('nests extension attributes given as URN-qualified top-level keys', () => {
    const result = normalizeResource(
      userResourceType,
      user({
        [`${ENTERPRISE_USER_SCHEMA}:department`]: 'Survey',
        [`${ENTERPRISE_USER_SCHEMA}:manager`]: { value: 'manager-1', displayName: 'Greta' },
        [`${USER_SCHEMA}:title`]: 'Planner',
      }),
      'create',
    );

    expect(result.title).toBe('Planner');
    expect(result[ENTERPRISE_USER_SCHEMA]).toEqual({
      department: 'Survey',
      manager: { value: 'manager-1' },
    });
  });

  it('lists the enterprise schema only when the extension holds data', () => {
    const declaredButEmpty = normalizeResource(
      userResourceType,
      { ...user({}), schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] },
      'create',
    );
    const undeclaredWithData = normalizeResource(
      userResourceType,
      user({ [ENTERPRISE_USER_SCHEMA]: { division: 'Ops' } }),
      'create',
    );

    expect(declaredButEmpty.schemas).toEqual([USER_SCHEMA]);
    expect(undeclaredWithData.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('stores Entra\'s "True" and "False" strings as JSON booleans', () => {
    const inactive = normalizeResource(userResourceType, user({ active: 'False' }), 'create');
    const active = normalizeResource(userResourceType, user({ active: 'true' }), 'create');

    expect(inactive.active).toBe(false);
    expect(active.active).toBe(true);
  });

  it('refuses a value of the wrong type, naming the attribute', () => {
    expectRefusal(
      () => normalizeResource(userResourceType, user({ userName: 42 }), 'create'),
      'invalidValue',
      /"userName" must be a string, not a number/,
    );
    expectRefusal(
      () => normalizeResource(userResourceType, user({ active: 'yes' }), 'create'),
      'invalidValue',
      /"active" must be a boolean/,
    );
    expectRefusal(
      () => normalizeResource(userResourceType, user({ emails: [{ value: 7 }] }), 'create'),
      'invalidValue',
      /"emails\[0\]\.value" must be a string/,
    );
    expectRefusal(
      () => normalizeResource(userResourceType, user({ name: 'Ada Lovelace' }), 'create'),
      'invalidValue',
      /"name" must be an object, not a string/,
    );
  });

  it('refuses an unknown attribute, naming it', () => {
    expectRefusal(
      () => normalizeResource(userResourceType, user({ favouriteColour: 'teal' }), 'create'),
      'invalidValue',
      /"favouriteColour" is not an attribute of the User resource/,
    );
    expectRefusal(
      () => normalizeResource(userResourceType, user({ name: { nickname: 'A' } }), 'create'),
      'invalidValue',
      /"name\.nickname" is not a sub-attribute of "name"/,
    );
    expectRefusal(
      () =>
        normalizeResource(
          userResourceType,
          user({ [ENTERPRISE_USER_SCHEMA]: { badge: '12' } }),
          'create',
        ),
      'invalidValue',
      /enterprise:2\.0:User:badge" is not an attribute of the EnterpriseUser extension/,
    );
  });

  it('ignores data under extension schemas that are not this service\'s', () => {
    const custom = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const result = normalizeResource(
      userResourceType,
      {
        ...user({ [custom]: { badge: '12' }, [`${custom}:shoeSize`]: 44 }),
        schemas: [USER_SCHEMA, custom],
      },
      'create',
    );

    expect(result).toEqual({ schemas: [USER_SCHEMA], userName: 'ada@example.com' });
  });

  it('takes a single object given for a multi-valued attribute as a one-element list', () => {
    const result = normalizeResource(
      userResourceType,
      user({ emails: { value: 'ada@example.com', type: 'work' } }),
      'create',
    );

    expect(result.emails).toEqual([{ value: 'ada@example.com', type: 'work' }]);
  });

  it('refuses more than one primary value', () => {
    const emails = [
      { value: 'a@example.com', primary: true },
      { value: 'b@example.com', primary: 'True' },
    ];

    expectRefusal(
      () => normalizeResource(userResourceType, user({ emails }), 'create'),
      'invalidValue',
      /"emails" has 2 values with "primary": true/,
    );
  });

  it('treats null, empty lists and empty objects as unassigned', () => {
    const result = normalizeResource(
      userResourceType,
      user({ title: null, emails: [], name: {}, addresses: [null, { type: 'work' }] }),
      'create',
    );

    expect(result).toEqual({
      schemas: [USER_SCHEMA],
      userName: 'ada@example.com',
      addresses: [{ type: 'work' }],
    });
  });

  it('requires a non-empty userName', () => {
    const { userName: _userName, ...withoutUserName } = user({});

    expectRefusal(
      () => normalizeResource(userResourceType, withoutUserName, 'create'),
      'invalidValue',
      /"userName" is required and must not be empty in a User sent with POST/,
    );
    expectRefusal(
      () => normalizeResource(userResourceType, user({ userName: '  ' }), 'replace'),
      'invalidValue',
      /"userName" is required and must not be empty in a User sent with PUT/,
    );
  });

  it('requires schemas to include the core User schema', () => {
    const { schemas: _schemas, ...withoutSchemas } = user({});

    expectRefusal(
      () => normalizeResource(userResourceType, withoutSchemas, 'create'),
      'invalidValue',
      /"schemas" is required/,
    );
    expectRefusal(
      () => normalizeResource(userResourceType, { ...user({}), schemas: [GROUP_SCHEMA] }, 'create'),
      'invalidValue',
      /"schemas" must include "urn:ietf:params:scim:schemas:core:2\.0:User"/,
    );
  });

  it('refuses the same attribute given twice under different spellings', () => {
    expectRefusal(
      () => normalizeResource(userResourceType, user({ USERNAME: 'other@example.com' }), 'create'),
      'invalidValue',
      /"userName" is given more than once/,
    );
    expectRefusal(
      () =>
        normalizeResource(
          userResourceType,
          user({
            [ENTERPRISE_USER_SCHEMA]: { department: 'A' },
            [`${ENTERPRISE_USER_SCHEMA}:department`]: 'B',
          }),
          'create',
        ),
      'invalidValue',
      /enterprise:2\.0:User:department" is given more than once/,
    );
  });

  it('refuses a body that is not a JSON object', () => {
    expectRefusal(
      () => normalizeResource(userResourceType, [user({})], 'create'),
      'invalidSyntax',
      /must be sent as a JSON object/,
    );
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses the key %s anywhere in the body without polluting prototypes',
    (key) => {
      const nested = JSON.parse(`{"name": {"${key}": {"polluted": true}}}`);
      const topLevel = JSON.parse(`{"${key}": {"polluted": true}}`);
      const ignoredSubtree = JSON.parse(`{"meta": {"${key}": {"polluted": true}}}`);

      for (const body of [nested, topLevel, ignoredSubtree]) {
        expectRefusal(
          () => normalizeResource(userResourceType, user(body), 'create'),
          'invalidValue',
          new RegExp(`the key "${key}" is not allowed`),
        );
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('refuses bodies nested too deeply or with huge arrays', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 40; level += 1) deep = { nested: deep };

    expectRefusal(
      () => normalizeResource(userResourceType, user({ name: deep }), 'create'),
      'invalidSyntax',
      /The body is nested more than 32 levels deep at "name(\.nested)+"/,
    );
    const emails = Array.from({ length: 1_001 }, (_, index) => ({ value: `${index}@example.com` }));
    expectRefusal(
      () => normalizeResource(userResourceType, user({ emails }), 'create'),
      'invalidValue',
      /"emails" has 1001 values; at most 1000 are allowed/,
    );
  });

  it('refuses a non-string password but never keeps a valid one', () => {
    const result = normalizeResource(userResourceType, user({ password: 's3cret!' }), 'create');

    expect(result.password).toBeUndefined();
    expectRefusal(
      () => normalizeResource(userResourceType, user({ password: 1234 }), 'create'),
      'invalidValue',
      /"password" must be a string/,
    );
  });
});

describe('normalizeGroup', () => {
  it('returns deduplicated member ids apart from the resource', () => {
    const { resource, members } = normalizeGroup(unitFixture('entra-create-group.json'), 'create');

    expect(resource).toEqual({
      schemas: [GROUP_SCHEMA],
      externalId: '9f8e7d6c-entra-group',
      displayName: 'Procurement Team',
    });
    expect(members).toEqual(['user-1', 'user-2']);
  });

  it('tells a body without members from one that empties them', () => {
    const body = { schemas: [GROUP_SCHEMA], displayName: 'Team' };

    expect(normalizeGroup(body, 'replace').members).toBeUndefined();
    expect(normalizeGroup({ ...body, members: [] }, 'replace').members).toEqual([]);
    expect(normalizeGroup({ ...body, members: null }, 'replace').members).toEqual([]);
  });

  it('leaves members out of normalizeResource for a Group', () => {
    const result = normalizeResource(
      groupResourceType,
      { schemas: [GROUP_SCHEMA], displayName: 'Team', members: [{ value: 'user-1' }] },
      'create',
    );

    expect(result).toEqual({ schemas: [GROUP_SCHEMA], displayName: 'Team' });
  });

  it('requires a displayName', () => {
    expectRefusal(
      () => normalizeGroup({ schemas: [GROUP_SCHEMA], displayName: '' }, 'create'),
      'invalidValue',
      /"displayName" is required/,
    );
  });

  it('refuses members without a string id, or that are not users', () => {
    const group = (members: unknown) => ({ schemas: [GROUP_SCHEMA], displayName: 'T', members });

    expectRefusal(
      () => normalizeGroup(group([{ display: 'Ada' }]), 'create'),
      'invalidValue',
      /"members\[0\]\.value" must be the id of a user/,
    );
    expectRefusal(
      () => normalizeGroup(group([{ value: 12 }]), 'create'),
      'invalidValue',
      /"members\[0\]\.value" must be the id of a user, not a number/,
    );
    expectRefusal(
      () => normalizeGroup(group(['user-1']), 'create'),
      'invalidValue',
      /"members\[0\]" must be an object like \{"value": "<user id>"\}/,
    );
    expectRefusal(
      () => normalizeGroup(group([{ value: 'group-2', type: 'Group' }]), 'create'),
      'invalidValue',
      /only users can be group members/,
    );
    expectRefusal(
      () => normalizeGroup(group([{ value: 'user-1', operation: 'delete' }]), 'create'),
      'invalidValue',
      /"members\[0\]\.operation" is not a sub-attribute of "members"/,
    );
  });

  it('refuses more than 100,000 members in one body', () => {
    const members = Array.from({ length: 100_001 }, (_, index) => ({ value: `user-${index}` }));

    expectRefusal(
      () => normalizeGroup({ schemas: [GROUP_SCHEMA], displayName: 'Big', members }, 'create'),
      'invalidValue',
      /"members" has more than 100000 elements/,
    );
  });
});

describe('normalizeResource properties', () => {
  const attributeNames = [
    'userName',
    'USERNAME',
    'name',
    'displayName',
    'active',
    'emails',
    'addresses',
    'password',
    'groups',
    'id',
    'meta',
    'schemas',
    ENTERPRISE_USER_SCHEMA,
    `${ENTERPRISE_USER_SCHEMA}:manager`,
    `${ENTERPRISE_USER_SCHEMA}:department`,
    'urn:example:custom:1.0:User:x',
    '__proto__',
    'constructor',
    'bogus',
  ];
  const values = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('True', 'False', 'ada@example.com', [USER_SCHEMA]),
    fc.constant([{ value: 'a@example.com', primary: true }, { value: 'b@example.com' }]),
    fc.constant({ givenName: 'Ada', familyName: 'Lovelace' }),
  );
  const bodies = fc.oneof(
    fc.anything(),
    fc.dictionary(fc.constantFrom(...attributeNames), values),
    fc
      .dictionary(fc.constantFrom(...attributeNames), values)
      .map((body) => ({ ...body, schemas: [USER_SCHEMA], userName: 'ada@example.com' })),
  );

  it('never throws anything but a ScimError 400, whatever the body', () => {
    fc.assert(
      fc.property(bodies, (body) => {
        try {
          normalizeResource(userResourceType, body, 'create');
          normalizeGroup(body, 'replace');
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).status).toBe(400);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the same result when normalizing its own output', () => {
    fc.assert(
      fc.property(bodies, (body) => {
        let first: Record<string, unknown>;
        try {
          first = normalizeResource(userResourceType, body, 'create');
        } catch {
          return;
        }
        const second = normalizeResource(userResourceType, first, 'replace');

        expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      }),
      { numRuns: 2_000 },
    );
  });
});
