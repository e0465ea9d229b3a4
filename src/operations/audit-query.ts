import { z } from 'zod';
import type { Db } from '../db/database';
import type { AuditEventRow } from '../db/schema';
import type { KeysetPosition } from './keyset-cursor';
import { cursorTime, pastPosition } from './keyset-cursor';
import { instant, timestamptz } from './query-parameters';

/** The filters the audit list and its export share. */
export const auditFilters = z.object({
  /** An exact action (`scim.user.deleted`) or a prefix ending in `*` (`user.*`). */
  action: z
    .string()
    .regex(
      /^[a-z0-9_.]+\*?$/i,
      'expected an action such as scim.user.deleted, or a prefix such as user.*',
    )
    .optional(),
  /** The id the event is about: a user, group, token, sync event or tenant. */
  target: z.string().min(1).max(64).optional(),
  /** Who acted: the support engineer's name, a tenant id for SCIM writes. */
  actor: z.string().min(1).max(200).optional(),
  actor_type: z.enum(['scim', 'admin', 'system', 'user']).optional(),
  /** Inclusive. */
  since: instant.optional(),
  /** Exclusive. */
  until: instant.optional(),
});

export type AuditFilters = z.infer<typeof auditFilters>;

/** One page of a tenant's audit events in (occurred_at, id) order, after `after`. */
export async function auditPage(
  db: Db,
  tenantId: string,
  filters: AuditFilters,
  after: KeysetPosition | undefined,
  order: 'asc' | 'desc',
  limit: number,
): Promise<Array<AuditEventRow & { cursor_at: string }>> {
  let select = db
    .selectFrom('audit_events')
    .selectAll()
    .select(cursorTime('occurred_at').as('cursor_at'))
    .where('tenant_id', '=', tenantId);
  if (filters.action?.endsWith('*') === true) {
    // The pattern admits no LIKE wildcard but _, which must match itself.
    const prefix = filters.action.slice(0, -1).replaceAll('_', '\\_');
    select = select.where('action', 'like', `${prefix}%`);
  } else if (filters.action !== undefined) {
    select = select.where('action', '=', filters.action);
  }
  if (filters.target !== undefined) select = select.where('target_id', '=', filters.target);
  if (filters.actor !== undefined) select = select.where('actor_id', '=', filters.actor);
  if (filters.actor_type !== undefined)
    select = select.where('actor_type', '=', filters.actor_type);
  if (filters.since !== undefined)
    select = select.where('occurred_at', '>=', timestamptz(filters.since));
  if (filters.until !== undefined)
    select = select.where('occurred_at', '<', timestamptz(filters.until));
  if (after !== undefined) select = select.where(pastPosition('occurred_at', 'id', after, order));

  return select.orderBy('occurred_at', order).orderBy('id', order).limit(limit).execute();
}

/** An audit event on the wire; the idempotency key is internal bookkeeping. */
export function auditEventView(row: AuditEventRow) {
  return {
    id: row.id,
    occurred_at: row.occurred_at,
    actor_type: row.actor_type,
    actor_id: row.actor_id,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    request_id: row.request_id,
    user_agent: row.user_agent,
    details: row.details,
  };
}
