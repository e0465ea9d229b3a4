import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { auditEventRow } from '../../audit/record-audit-event';
import type { UserRow } from '../../db/schema';
import { newId } from '../../ids';
import { defaultRoleUnderShareLock } from '../../roles/role-sync-event';
import { isUniqueViolation } from '../../db/unique-violation';
import { uniqueness } from '../errors';
import { scimBaseUrl } from '../base-url';
import { normalizeResource } from '../resource/normalize';
import { userResourceType } from '../schemas/resource-types';
import type { WriteScope } from '../write-scope';
import { writeScopeOf } from '../write-scope';
import { requestedUserProjection, sendUser } from './user-response';
import { toStoredUser } from './user-representation';
import { USER_NAME_INDEX } from './user-name';

/**
 * RFC 7644 §3.3: creates a user from a POST body, with its audit event, in
 * one statement (one round trip: this is what an initial sync does 100,000
 * times). Shared by POST /Users and Bulk.
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
  const id = newId('usr');

  try {
    return await context.db
      .with('created', (db) =>
        db
          .insertInto('users')
          .values({
            id,
            tenant_id: tenantId,
            user_name: user.user_name,
            external_id: user.external_id,
            active: user.active,
            source: 'scim',
            // A new user belongs to no group yet, so the default role is all it can hold. Read
            // under a share lock: a mapping replacement committing meanwhile re-evaluates this
            // user after.
            role: user.active ? defaultRoleUnderShareLock(db, tenantId) : null,
            resource: JSON.stringify(user.resource),
          })
          .returningAll(),
      )
      .with('audited', (db) =>
        db.insertInto('audit_events').values(
          auditEventRow(scope.actor, {
            tenantId,
            action: 'scim.user.created',
            targetType: 'User',
            targetId: id,
          }),
        ),
      )
      .selectFrom('created')
      .selectAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    // The unique index decides, so two IdP connections racing on one userName cannot both win.
    if (isUniqueViolation(error, USER_NAME_INDEX)) {
      throw uniqueness(`A user with userName "${user.user_name}" already exists.`);
    }
    throw error;
  }
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
