import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { auditEventView, auditFilters, auditPage } from './audit-query';
import { decodeCursor, encodeCursor } from './keyset-cursor';
import { pageLimit, parseQuery } from './query-parameters';

const query = auditFilters
  .extend({
    cursor: z.string().max(512).optional(),
    limit: pageLimit(1000, 100),
  })
  .strict();

/**
 * GET /admin/v1/tenants/{tenantId}/audit-events?action=&target=&actor=&since=&until=&cursor=&limit=
 * Newest first, keyset-paged on (occurred_at, id): a page never skips or
 * repeats an event, however many are written meanwhile.
 */
export function listAuditEvents(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const { cursor, limit, ...filters } = parseQuery(query, request);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    await loadTenant(context.db, tenantId);

    const rows = await auditPage(context.db, tenantId, filters, after, 'desc', limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);

    response.json({
      items: page.map(auditEventView),
      next_cursor:
        rows.length > limit && last !== undefined
          ? encodeCursor({ at: last.cursor_at, id: last.id })
          : null,
    });
  };
}
