import type { AttributeDefinition } from './attribute';
import { complex, dateTime, str } from './attribute';

/**
 * Attributes every resource carries (RFC 7643 §3.1). They belong to no
 * schema URN, so filters and paths name them without a prefix.
 */
export const commonAttributes: AttributeDefinition[] = [
  str('id', 'Unique identifier assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  str('externalId', 'Identifier of the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  complex(
    'meta',
    'Resource metadata.',
    [
      str('resourceType', 'The name of the resource type.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      dateTime('created', 'When the resource was added to the service provider.', {
        mutability: 'readOnly',
      }),
      dateTime('lastModified', 'When the resource was last changed.', { mutability: 'readOnly' }),
      str('location', 'The URI of the resource.', { caseExact: true, mutability: 'readOnly' }),
      str('version', 'The version (weak ETag) of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
    { mutability: 'readOnly' },
  ),
];
