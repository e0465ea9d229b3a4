import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { cursorTime, decodeCursor, encodeCursor, pastPosition } from './keyset-cursor';
import { pageLimit, parseQuery } from './query-parameters';
import { syncEventView } from './sync-event-view';

const query = z
  .object({
    user: z.string().min(1).max(64).optional(),
    kind: z.enum(['deprovision', 'reevaluate_roles']).optional(),
    state: z.enum(['pending', 'running', 'completed', 'failed']).optional(),
    cursor: z.string().max(512).optional(),
    limit: pageLimit(500, 50),
  })
  .strict();

/**
 * GET /admin/v1/tenants/{tenantId}/sync-events?user=&kind=&state=&cursor=&limit=
 * Newest first, keyset-paged on (created_at, id). `user` matches the events
 * about that user: their deprovisionings and every role re-evaluation that
 * named them or was caused by them.
 */
export function listSyncEvents(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const filters = parseQuery(query, request);
    const after = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
    await loadTenant(context.db, tenantId);

    let select = context.db
      .selectFrom('sync_events')
      .selectAll()
      .select(cursorTime('created_at').as('cursor_at'))
      .where('tenant_id', '=', tenantId);
    if (filters.user !== undefined) {
      const user = filters.user;
      select = select.where((eb) =>
        eb.or([eb('resource_id', '=', user), sql<boolean>`payload->'userIds' ? ${user}`]),
      );
    }
    if (filters.kind !== undefined) select = select.where('kind', '=', filters.kind);
    if (filters.state !== undefined) select = select.where('state', '=', filters.state);
    if (after !== undefined) select = select.where(pastPosition('created_at', 'id', after, 'desc'));
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filters.limit + 1)
      .execute();

    const page = rows.slice(0, filters.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > filters.limit && last !== undefined
        ? encodeCursor({ at: last.cursor_at, id: last.id })
        : null;

    response.json({
      items: page.map(({ cursor_at: _position, ...event }) => syncEventView(context.config, event)),
      next_cursor: nextCursor,
    });
  };
}
