import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { recordAuditEvent } from '../../audit/record-audit-event';
import { actorOf } from '../../http/request-context';
import { sendScim } from '../../http/scim-response';
import { newId } from '../../ids';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import { normalizeResource } from '../resource/normalize';
import { userResourceType } from '../schemas/resource-types';
import { setVersionHeader } from '../versioning';
import { toScimUser, toStoredUser, userVersion } from './user-representation';
import { assertUserNameFree } from './user-name';

/** RFC 7644 §3.3: POST /Users. */
export function createUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const user = toStoredUser(normalizeResource(userResourceType, request.body, 'create'));

    const row = await context.db.transaction().execute(async (trx) => {
      await assertUserNameFree(trx, tenantId, user.user_name, null);

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
          resource: JSON.stringify(user.resource),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAuditEvent(trx, actorOf(request, 'scim', tenantId), {
        tenantId,
        action: 'scim.user.created',
        targetType: 'User',
        targetId: id,
      });

      return inserted;
    });

    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    response.location(`${baseUrl}/Users/${row.id}`);
    setVersionHeader(response, userVersion(row));
    sendScim(response, 201, toScimUser(row, [], baseUrl));
  };
}
