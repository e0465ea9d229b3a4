import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { recordAuditEvent } from '../audit/record-audit-event';
import { actorOf } from '../http/request-context';
import { validateBody } from '../http/validate-body';
import { newId } from '../ids';

const body = z.object({ name: z.string().trim().min(1).max(200) });

/** POST /admin/v1/tenants. */
export function createTenant(context: AppContext): RequestHandler {
  return async (request, response) => {
    const { name } = validateBody(body, request.body);
    const id = newId('ten');

    await context.db.transaction().execute(async (trx) => {
      await trx.insertInto('tenants').values({ id, name }).execute();
      await recordAuditEvent(trx, actorOf(request, 'admin', null), {
        tenantId: id,
        action: 'tenant.created',
        targetType: 'Tenant',
        targetId: id,
      });
    });

    response.status(201).json({ id, name });
  };
}
