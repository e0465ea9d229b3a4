import type { Role } from '../db/schema';

/** Highest first: a user in several mapped groups gets the first of these they qualify for. */
export const ROLES_BY_RANK: readonly Role[] = ['admin', 'member', 'viewer'];

export interface GroupRoleMapping {
  group_role_mapping: Array<{ group_id: string; role: Role }>;
  default_role: Role | null;
}
