import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { recordAuditEvent } from '../../audit/record-audit-event';
import type { UserRow } from '../../db/schema';
import { newId } from '../../ids';
import { lockedMapping } from '../../roles/role-sync-event';
import { scimBaseUrl } from '../base-url';
import { normalizeResource } from '../resource/normalize';
import { userResourceType } from '../schemas/resource-types';
import type { WriteScope } from '../write-scope';
import { writeScopeOf } from '../write-scope';
import { requestedUserProjection, sendUser } from './user-response';
import { toStoredUser } from './user-representation';
import { assertUserNameFree } from './user-name';

/**
 * RFC 7644 §3.3: creates a user from a POST body, with its audit event, in
 * one transaction. Shared by POST /Users and Bulk.
 *
 * @throws ScimError 400 for a body normalizeResource refuses, 409
 *   `uniqueness` for a userName already taken.
 */
export async function createUserResource(
  context: AppContext,
  scope: WriteScope,
  body: unknown,
): Promise<UserRow> {
  const { tenantId } = scope;
  const user = toStoredUser(normalizeResource(userResourceType, body, 'create'));

  return context.db.transaction().execute(async (trx) => {
    await assertUserNameFree(trx, tenantId, user.user_name, null);
    // A new user belongs to no group yet, so the default role is all it can hold. Read under
    // a share lock: a mapping replacement committing meanwhile re-evaluates this user after.
    const { default_role: defaultRole } = await lockedMapping(trx, tenantId);

    const id = newId('usr');
    const inserted = await trx
      .insertInto('users')
      .values({
        id,
        tenant_id: tenantId,
        user_name: user.user_name,
        external_id: user.external_id,
        active: user.active,
        source: 'scim',
        role: user.active ? defaultRole : null,
        resource: JSON.stringify(user.resource),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAuditEvent(trx, scope.actor, {
      tenantId,
      action: 'scim.user.created',
      targetType: 'User',
      targetId: id,
    });

    return inserted;
  });
}

/** RFC 7644 §3.3: POST /Users. */
export function createUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const projection = requestedUserProjection(request);

    const row = await createUserResource(context, writeScopeOf(request), request.body);

    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    response.location(`${baseUrl}/Users/${row.id}`);
    await sendUser(context, request, response, 201, row, projection, []);
  };
}
