import type { GroupRow } from '../../db/schema';
import type { ScimObject } from '../resource/normalize';
import { GROUP_SCHEMA } from '../schemas/resource-types';

export interface MemberReference {
  user_id: string;
  display: string | null;
}

/** The canonical stored shape the PATCH engine works on: no id, meta or members. */
export function toCanonicalGroup(row: GroupRow): ScimObject {
  const group: ScimObject = { schemas: [GROUP_SCHEMA], displayName: row.display_name };
  if (row.external_id !== null) group.externalId = row.external_id;

  return group;
}

export function groupVersion(row: Pick<GroupRow, 'version'>): string {
  return `W/"${row.version}"`;
}

/**
 * RFC 7643 §4.2 representation. `members` is undefined when the caller
 * excluded it, so that large groups are never loaded for nothing.
 */
export function toScimGroup(row: GroupRow, members: MemberReference[] | undefined, baseUrl: string): ScimObject {
  const { schemas, ...attributes } = toCanonicalGroup(row);
  const group: ScimObject = { schemas, id: row.id, ...attributes };
  if (members !== undefined) {
    group.members = members.map((member) => ({
      value: member.user_id,
      $ref: `${baseUrl}/Users/${member.user_id}`,
      type: 'User',
      ...(member.display === null ? {} : { display: member.display }),
    }));
  }
  group.meta = {
    resourceType: 'Group',
    created: row.created_at.toISOString(),
    lastModified: row.updated_at.toISOString(),
    location: `${baseUrl}/Groups/${row.id}`,
    version: groupVersion(row),
  };

  return group;
}
