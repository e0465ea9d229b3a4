import type { ScimObject } from '../resource/normalize';
import type { UserRow } from '../../db/schema';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../schemas/resource-types';

/** Attributes kept in their own columns (indexed or constrained), not in `resource`. */
const COLUMN_ATTRIBUTES = ['id', 'schemas', 'meta', 'userName', 'externalId', 'active', 'groups'];

export interface StoredUser {
  user_name: string;
  external_id: string | null;
  active: boolean;
  resource: ScimObject;
}

/** Splits a normalized SCIM User into its columns and the jsonb remainder. */
export function toStoredUser(user: ScimObject): StoredUser {
  const resource: ScimObject = {};
  for (const [key, value] of Object.entries(user)) {
    if (!COLUMN_ATTRIBUTES.includes(key) && value !== undefined && value !== null) resource[key] = value;
  }

  return {
    user_name: String(user.userName),
    external_id: typeof user.externalId === 'string' ? user.externalId : null,
    active: user.active === undefined || user.active === null ? true : user.active === true,
    resource,
  };
}

/** The canonical stored shape the PATCH engine works on (no id, meta or groups). */
export function toCanonicalUser(row: UserRow): ScimObject {
  const user: ScimObject = {
    schemas: schemasOf(row.resource),
    userName: row.user_name,
    active: row.active,
    ...row.resource,
  };
  if (row.external_id !== null) user.externalId = row.external_id;

  return user;
}

export interface GroupReference {
  id: string;
  display_name: string;
}

/** RFC 7643 §4.1 representation with `meta` (§3.1). */
export function toScimUser(row: UserRow, groups: GroupReference[], baseUrl: string): ScimObject {
  const { schemas, ...attributes } = toCanonicalUser(row);
  const location = `${baseUrl}/Users/${row.id}`;

  return {
    schemas,
    id: row.id,
    ...attributes,
    groups: groups.map((group) => ({
      value: group.id,
      $ref: `${baseUrl}/Groups/${group.id}`,
      display: group.display_name,
      type: 'direct',
    })),
    meta: {
      resourceType: 'User',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location,
      version: userVersion(row),
    },
  };
}

export function userVersion(row: Pick<UserRow, 'version'>): string {
  return `W/"${row.version}"`;
}

function schemasOf(resource: Record<string, unknown>): string[] {
  return resource[ENTERPRISE_USER_SCHEMA] === undefined
    ? [USER_SCHEMA]
    : [USER_SCHEMA, ENTERPRISE_USER_SCHEMA];
}
