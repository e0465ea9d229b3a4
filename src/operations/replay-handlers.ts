import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { validateBody } from '../http/validate-body';
import { operatorActor } from './operator-actor';
import { instant, timestamptz } from './query-parameters';
import type { ReplayResult } from './replay-sync-event';
import { replaySyncEvent } from './replay-sync-event';

const replayOne = z.object({ requested_by: z.string().optional() }).strict();

/**
 * POST /admin/v1/tenants/{tenantId}/sync-events/{id}/replay: 202 when a new
 * run started, 200 with the reason when nothing needed doing.
 */
export function replaySyncEventHandler(context: AppContext): RequestHandler {
  return async (request, response) => {
    validateBody(replayOne, request.body);
    const actor = operatorActor(request);

    const result = await replaySyncEvent(
      context,
      String(request.params.tenantId),
      String(request.params.syncEventId),
      actor,
      request.log,
    );

    response.status(result.replayed ? 202 : 200).json(result);
  };
}

const replayFailed = z
  .object({
    requested_by: z.string().optional(),
    kind: z.enum(['deprovision', 'reevaluate_roles']).optional(),
    /** Only events that failed at or after this time, e.g. since last night. */
    since: instant.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

/**
 * POST /admin/v1/tenants/{tenantId}/sync-events/replay-failed: replays the
 * tenant's failed events, oldest first, up to `limit` per call; `remaining`
 * says how many failed ones are left for the next call.
 */
export function replayFailedSyncEvents(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const filters = validateBody(replayFailed, request.body);
    const actor = operatorActor(request);
    await loadTenant(context.db, tenantId);

    let matching = context.db
      .selectFrom('sync_events')
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'failed');
    if (filters.kind !== undefined) matching = matching.where('kind', '=', filters.kind);
    if (filters.since !== undefined)
      matching = matching.where('updated_at', '>=', timestamptz(filters.since));
    const failed = await matching
      .select('id')
      .orderBy('created_at')
      .orderBy('id')
      .limit(filters.limit)
      .execute();

    // One at a time: each replay checks Temporal and takes the event's row lock.
    const results: ReplayResult[] = [];
    for (const { id } of failed) {
      const options = { details: { bulk: true } };
      results.push(await replaySyncEvent(context, tenantId, id, actor, request.log, options));
    }
    const remaining = await matching
      .select(sql<string>`count(*)`.as('count'))
      .executeTakeFirstOrThrow();

    response.json({
      replayed: results.filter((result) => result.replayed).length,
      results,
      remaining: Number(remaining.count),
    });
  };
}
