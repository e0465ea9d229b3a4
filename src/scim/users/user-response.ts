import type { Request, Response } from 'express';
import type { AppContext } from '../../app-context';
import type { Db } from '../../db/database';
import type { UserRow } from '../../db/schema';
import { sendScim } from '../../http/scim-response';
import { scimBaseUrl } from '../base-url';
import type { Projection } from '../projection';
import { project, readProjection, wantsAttribute } from '../projection';
import type { ScimObject } from '../resource/normalize';
import { userResourceType } from '../schemas/resource-types';
import { setVersionHeader } from '../versioning';
import type { GroupReference } from './user-representation';
import { loadGroupsOf } from './load-user';
import { toScimUser, userVersion } from './user-representation';

/**
 * Users as the projection asks (RFC 7644 §3.4.2.5), in the order given.
 * Memberships are read, in one query for all of them, only when `groups`
 * is part of the answer.
 */
export async function representUsers(
  db: Db,
  rows: UserRow[],
  projection: Projection,
  baseUrl: string,
  knownGroups?: Map<string, GroupReference[]>,
): Promise<ScimObject[]> {
  const ids = rows.map((row) => row.id);
  const groups = wantsAttribute(projection, 'groups')
    ? (knownGroups ?? (await loadGroupsOf(db, ids)))
    : undefined;

  return rows.map((row) =>
    project(toScimUser(row, groups?.get(row.id) ?? [], baseUrl), projection),
  );
}

/**
 * The projection the query string asks for. RFC 7644 §3.9 lets POST, PUT and
 * PATCH answers be narrowed as GET ones are; read it before writing, so that
 * a bad `attributes` is refused before anything changes.
 */
export function requestedUserProjection(request: Request): Projection {
  return readProjection(userResourceType, request.query as Record<string, unknown>);
}

/**
 * Answers with one user as `projection` asks, and its ETag. `knownGroups`
 * spares the membership read when the caller knows them (a user just created has none).
 */
export async function sendUser(
  context: AppContext,
  request: Request,
  response: Response,
  status: number,
  row: UserRow,
  projection: Projection,
  knownGroups?: GroupReference[],
): Promise<void> {
  const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
  const groups = knownGroups === undefined ? undefined : new Map([[row.id, knownGroups]]);
  const [user] = await representUsers(context.db, [row], projection, baseUrl, groups);

  setVersionHeader(response, userVersion(row));
  sendScim(response, status, user);
}
