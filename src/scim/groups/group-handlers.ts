import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../../app-context';
import { recordAuditEvent } from '../../audit/record-audit-event';
import type { GroupRow } from '../../db/schema';
import { sendScim } from '../../http/scim-response';
import { newId } from '../../ids';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import type { Projection } from '../projection';
import { project, readProjection, wantsAttribute } from '../projection';
import { assertIdUnchanged } from '../resource/immutable-id';
import type { ScimObject } from '../resource/normalize';
import { normalizeGroup } from '../resource/normalize';
import type { MemberOperation } from '../resource/patch';
import { applyPatch } from '../resource/patch';
import { groupResourceType } from '../schemas/resource-types';
import { listResources } from '../search/list-resources';
import { groupListSource } from '../search/list-sources';
import { checkVersion, isNotModified, setVersionHeader } from '../versioning';
import type { WriteScope } from '../write-scope';
import { writeScopeOf } from '../write-scope';
import { applyMemberOperations, loadMembers } from './group-members';
import { groupVersion, toCanonicalGroup, toScimGroup } from './group-representation';
import { loadGroup } from './load-group';
import { writeGroup } from './write-group';
import { MAX_LISTED_USERS, isMappedGroup, memberIds, roleReevaluationEvent } from '../../roles/role-sync-event';
import { startAfterCommit } from '../../sync/start-after-commit';

/**
 * The projection the query string asks for (RFC 7644 §3.9), read before any
 * write so that a bad `attributes` is refused before anything changes.
 */
function requestedProjection(request: Request): Projection {
  return readProjection(groupResourceType, request.query as Record<string, unknown>);
}

async function sendGroup(
  context: AppContext,
  request: Request,
  response: Response,
  status: number,
  row: GroupRow,
  projection: Projection,
): Promise<void> {
  const members = wantsAttribute(projection, 'members') ? await loadMembers(context.db, row.id) : undefined;
  const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
  setVersionHeader(response, groupVersion(row));
  sendScim(response, status, project(toScimGroup(row, members, baseUrl), projection));
}

/** RFC 7644 §3.3: creates a group, members included. Shared by POST /Groups and Bulk. */
export async function createGroupResource(
  context: AppContext,
  scope: WriteScope,
  body: unknown,
): Promise<GroupRow> {
  const { tenantId } = scope;
  const { resource, members } = normalizeGroup(body, 'create');

  return context.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('groups')
      .values({
        id: newId('grp'),
        tenant_id: tenantId,
        display_name: String(resource.displayName),
        external_id: typeof resource.externalId === 'string' ? resource.externalId : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (members !== undefined && members.length > 0) {
      await applyMemberOperations(trx, tenantId, inserted.id, [{ op: 'add', ids: members }]);
    }
    await recordAuditEvent(trx, scope.actor, {
      tenantId,
      action: 'scim.group.created',
      targetType: 'Group',
      targetId: inserted.id,
      details: { members: members?.length ?? 0 },
    });

    return inserted;
  });
}

/** RFC 7644 §3.3: POST /Groups, members included. */
export function createGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const projection = requestedProjection(request);

    const row = await createGroupResource(context, writeScopeOf(request), request.body);

    response.location(`${scimBaseUrl(request, context.config.PUBLIC_BASE_URL)}/Groups/${row.id}`);
    await sendGroup(context, request, response, 201, row, projection);
  };
}

/** RFC 7644 §3.4.1: GET /Groups/{id}; `excludedAttributes=members` never loads members. */
export function getGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const projection = requestedProjection(request);
    const row = await loadGroup(context.db, tenantOf(request), String(request.params.id));
    if (isNotModified(request, groupVersion(row))) {
      setVersionHeader(response, groupVersion(row));
      response.status(304).end();
      return;
    }

    await sendGroup(context, request, response, 200, row, projection);
  };
}

/**
 * RFC 7644 §3.4.2: GET /Groups and POST /Groups/.search, paged by startIndex
 * or cursor (RFC 9865); `excludedAttributes=members` never loads members.
 */
export function listGroups(context: AppContext, from: 'query' | 'body'): RequestHandler {
  return listResources(context, [groupListSource], from);
}

/** A group's next attributes and the member operations that go with them. */
interface NextGroupState {
  resource: ScimObject;
  memberOperations: MemberOperation[];
}

/**
 * What PUT and PATCH of a group share (RFC 7644 §3.5): the group is locked,
 * a stale If-Match refused (§3.14), the state `next` derives written, and
 * role re-evaluation started once the write has committed.
 */
async function updateGroup(
  context: AppContext,
  scope: WriteScope,
  groupId: string,
  operation: 'replace' | 'patch',
  next: (current: GroupRow) => NextGroupState,
): Promise<GroupRow> {
  const { row, events } = await context.db.transaction().execute(async (trx) => {
    const current = await loadGroup(trx, scope.tenantId, groupId, true);
    checkVersion(scope.ifMatch, groupVersion(current));
    const { resource, memberOperations } = next(current);

    return writeGroup(trx, scope.actor, current, resource, memberOperations, operation);
  });
  await startAfterCommit(context.db, context.workflows, events, scope.logger);

  return row;
}

/**
 * RFC 7644 §3.5.1: replaces name and members (omitted members clear the
 * group); role re-evaluation starts once the write has committed. Shared
 * by PUT /Groups/{id} and Bulk.
 */
export async function replaceGroupResource(
  context: AppContext,
  scope: WriteScope,
  groupId: string,
  body: unknown,
): Promise<GroupRow> {
  const { resource, members } = normalizeGroup(body, 'replace');
  assertIdUnchanged(body, groupId);
  const memberOperations: MemberOperation[] = [{ op: 'replace', ids: members ?? [] }];

  return updateGroup(context, scope, groupId, 'replace', () => ({ resource, memberOperations }));
}

/** RFC 7644 §3.5.1: PUT /Groups/{id}. */
export function replaceGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const projection = requestedProjection(request);

    const row = await replaceGroupResource(
      context,
      writeScopeOf(request),
      String(request.params.id),
      request.body,
    );

    await sendGroup(context, request, response, 200, row, projection);
  };
}

/**
 * RFC 7644 §3.5.2: applies a PatchOp to a group. Member operations run in
 * SQL; role re-evaluation starts once the write has committed. Shared by
 * PATCH /Groups/{id} and Bulk.
 */
export async function patchGroupResource(
  context: AppContext,
  scope: WriteScope,
  groupId: string,
  body: unknown,
): Promise<GroupRow> {
  return updateGroup(context, scope, groupId, 'patch', (current) =>
    applyPatch(groupResourceType, current.id, toCanonicalGroup(current), body),
  );
}

/**
 * RFC 7644 §3.5.2: PATCH /Groups/{id}. The answer is 204 (no body) so that a
 * group of 300,000 members is never serialised for a one-member change.
 */
export function patchGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const row = await patchGroupResource(
      context,
      writeScopeOf(request),
      String(request.params.id),
      request.body,
    );

    setVersionHeader(response, groupVersion(row));
    response.status(204).end();
  };
}

/** RFC 7644 §3.6: deletes a group. Shared by DELETE /Groups/{id} and Bulk. */
export async function deleteGroupResource(
  context: AppContext,
  scope: WriteScope,
  groupId: string,
): Promise<void> {
  const { tenantId } = scope;

  const events = await context.db.transaction().execute(async (trx) => {
    const current = await loadGroup(trx, tenantId, groupId, true);
    checkVersion(scope.ifMatch, groupVersion(current));
    const mapped = await isMappedGroup(trx, tenantId, groupId);
    const members = mapped ? await memberIds(trx, groupId, MAX_LISTED_USERS + 1) : [];
    await trx.deleteFrom('groups').where('id', '=', groupId).execute();
    await recordAuditEvent(trx, scope.actor, {
      tenantId,
      action: 'scim.group.deleted',
      targetType: 'Group',
      targetId: groupId,
    });
    if (!mapped || members.length === 0) return [];
    const cause = { resourceType: 'Group' as const, resourceId: groupId, reason: 'group deleted' };

    return [await roleReevaluationEvent(trx, tenantId, cause, members.length > MAX_LISTED_USERS ? null : members)];
  });
  await startAfterCommit(context.db, context.workflows, events, scope.logger);
}

/** RFC 7644 §3.6: DELETE /Groups/{id}. */
export function deleteGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    await deleteGroupResource(context, writeScopeOf(request), String(request.params.id));

    response.status(204).end();
  };
}
