import type { SchemaDefinition } from './attribute';
import { complex, ref, str } from './attribute';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** RFC 7643 §4.2; members are users only. */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the group.', { required: true }),
    complex(
      'members',
      'The users in the group.',
      [
        str('value', 'The id of the member.', { mutability: 'immutable' }),
        ref('$ref', 'The URI of the member.', ['User'], { mutability: 'immutable' }),
        str('display', 'The display name of the member.', { mutability: 'readOnly' }),
        str('type', 'The type of the member.', {
          canonicalValues: ['User'],
          mutability: 'immutable',
        }),
      ],
      { multiValued: true },
    ),
  ],
};
