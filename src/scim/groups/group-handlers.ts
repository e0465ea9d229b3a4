import { sql } from 'kysely';
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../../app-context';
import { recordAuditEvent } from '../../audit/record-audit-event';
import type { GroupRow } from '../../db/schema';
import { actorOf } from '../../http/request-context';
import { sendScim } from '../../http/scim-response';
import { newId } from '../../ids';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import { mutability } from '../errors';
import { parseFilter } from '../filter/parser';
import { compileFilter, compileSortKey, groupFilterTarget } from '../filter/to-sql';
import { readListParameters } from '../list-parameters';
import { listResponse } from '../list-response';
import type { Projection } from '../projection';
import { project, readProjection, wantsAttribute } from '../projection';
import { normalizeGroup } from '../resource/normalize';
import { applyPatch } from '../resource/patch';
import { groupResourceType } from '../schemas/resource-types';
import { checkIfMatch, isNotModified, setVersionHeader } from '../versioning';
import { applyMemberOperations, loadMembers } from './group-members';
import { groupVersion, toCanonicalGroup, toScimGroup } from './group-representation';
import { loadGroup } from './load-group';
import { writeGroup } from './write-group';
import { MAX_LISTED_USERS, isMappedGroup, memberIds, roleReevaluationEvent } from '../../roles/role-sync-event';
import { startAfterCommit } from '../../sync/start-after-commit';

async function sendGroup(
  context: AppContext,
  request: Request,
  response: Response,
  status: number,
  row: GroupRow,
  projection: Projection = readProjection(groupResourceType, request.query as Record<string, unknown>),
): Promise<void> {
  const members = wantsAttribute(projection, 'members') ? await loadMembers(context.db, row.id) : undefined;
  const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
  setVersionHeader(response, groupVersion(row));
  sendScim(response, status, project(toScimGroup(row, members, baseUrl), projection));
}

/** RFC 7644 §3.3: POST /Groups, members included. */
export function createGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const { resource, members } = normalizeGroup(request.body, 'create');

    const row = await context.db.transaction().execute(async (trx) => {
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
      await recordAuditEvent(trx, actorOf(request, 'scim', tenantId), {
        tenantId,
        action: 'scim.group.created',
        targetType: 'Group',
        targetId: inserted.id,
        details: { members: members?.length ?? 0 },
      });

      return inserted;
    });

    response.location(`${scimBaseUrl(request, context.config.PUBLIC_BASE_URL)}/Groups/${row.id}`);
    await sendGroup(context, request, response, 201, row);
  };
}

/** RFC 7644 §3.4.1: GET /Groups/{id}; `excludedAttributes=members` never loads members. */
export function getGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const row = await loadGroup(context.db, tenantOf(request), String(request.params.id));
    if (isNotModified(request, groupVersion(row))) {
      setVersionHeader(response, groupVersion(row));
      response.status(304).end();
      return;
    }

    await sendGroup(context, request, response, 200, row);
  };
}

/** RFC 7644 §3.4.2: GET /Groups and POST /Groups/.search. */
export function listGroups(context: AppContext, from: 'query' | 'body'): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const source = (from === 'query' ? request.query : (request.body ?? {})) as Record<string, unknown>;
    const parameters = readListParameters(source);
    const projection = readProjection(groupResourceType, source);
    const target = groupFilterTarget('groups');
    const condition =
      parameters.filter === undefined ? sql<boolean>`true` : compileFilter(parseFilter(parameters.filter), target);

    const base = context.db.selectFrom('groups').where('tenant_id', '=', tenantId).where(condition);
    const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    let page = base.selectAll();
    if (parameters.sortBy !== undefined) {
      const direction = parameters.sortOrder === 'descending' ? sql`desc` : sql`asc`;
      page = page.orderBy(sql`${compileSortKey(parameters.sortBy, target)} ${direction} nulls last`);
    }
    const rows =
      parameters.count === 0
        ? []
        : await page.orderBy('id').offset(parameters.startIndex - 1).limit(parameters.count).execute();

    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    const withMembers = wantsAttribute(projection, 'members');
    const resources = [];
    for (const row of rows) {
      const members = withMembers ? await loadMembers(context.db, row.id) : undefined;
      resources.push(project(toScimGroup(row, members, baseUrl), projection));
    }
    sendScim(response, 200, listResponse(resources, Number(total), parameters.startIndex));
  };
}

/** RFC 7644 §3.5.1: PUT /Groups/{id} replaces name and members (omitted members clear the group). */
export function replaceGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const groupId = String(request.params.id);
    const { resource, members } = normalizeGroup(request.body, 'replace');
    const givenId = (request.body as { id?: unknown })?.id;
    if (givenId !== undefined && givenId !== groupId) {
      throw mutability(`"id" is immutable: the body names "${String(givenId)}", the URL "${groupId}".`);
    }

    const { row, events } = await context.db.transaction().execute(async (trx) => {
      const current = await loadGroup(trx, tenantId, groupId, true);
      checkIfMatch(request, groupVersion(current));

      return writeGroup(trx, actorOf(request, 'scim', tenantId), current, resource, [{ op: 'replace', ids: members ?? [] }], 'replace');
    });
    await startAfterCommit(context.db, context.workflows, events, request.log);

    await sendGroup(context, request, response, 200, row);
  };
}

/**
 * RFC 7644 §3.5.2: PATCH /Groups/{id}. Member operations run in SQL; the
 * answer is 204 (no body) so that a group of 300,000 members is never
 * serialised for a one-member change.
 */
export function patchGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const groupId = String(request.params.id);

    const { row, events } = await context.db.transaction().execute(async (trx) => {
      const current = await loadGroup(trx, tenantId, groupId, true);
      checkIfMatch(request, groupVersion(current));
      const patched = applyPatch(groupResourceType, toCanonicalGroup(current), request.body);

      return writeGroup(trx, actorOf(request, 'scim', tenantId), current, patched.resource, patched.memberOperations, 'patch');
    });
    await startAfterCommit(context.db, context.workflows, events, request.log);

    setVersionHeader(response, groupVersion(row));
    response.status(204).end();
  };
}

/** RFC 7644 §3.6: DELETE /Groups/{id}. */
export function deleteGroup(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const groupId = String(request.params.id);

    const events = await context.db.transaction().execute(async (trx) => {
      const current = await loadGroup(trx, tenantId, groupId, true);
      checkIfMatch(request, groupVersion(current));
      const mapped = await isMappedGroup(trx, tenantId, groupId);
      const members = mapped ? await memberIds(trx, groupId, MAX_LISTED_USERS + 1) : [];
      await trx.deleteFrom('groups').where('id', '=', groupId).execute();
      await recordAuditEvent(trx, actorOf(request, 'scim', tenantId), {
        tenantId,
        action: 'scim.group.deleted',
        targetType: 'Group',
        targetId: groupId,
      });
      if (!mapped || members.length === 0) return [];
      const cause = { resourceType: 'Group' as const, resourceId: groupId, reason: 'group deleted' };

      return [await roleReevaluationEvent(trx, tenantId, cause, members.length > MAX_LISTED_USERS ? null : members)];
    });
    await startAfterCommit(context.db, context.workflows, events, request.log);

    response.status(204).end();
  };
}
