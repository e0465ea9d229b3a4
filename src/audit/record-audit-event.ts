import type { Insertable, Kysely } from 'kysely';
import { newId } from '../ids';
import type { AuditEventsTable, Database } from '../db/schema';

/** Who asked for a change, carried from the request into every write it causes. */
export interface Actor {
  type: AuditEventsTable['actor_type'];
  id: string | null;
  requestId: string | null;
  userAgent: string | null;
}

export const systemActor: Actor = { type: 'system', id: null, requestId: null, userAgent: null };

export interface AuditEventInput {
  tenantId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** When set, a second write with the same key is dropped (retried activities). */
  idempotencyKey?: string;
}

/** The stored row of one audit event, for callers that fold its insert into a larger statement. */
export function auditEventRow(actor: Actor, event: AuditEventInput): Insertable<AuditEventsTable> {
  return {
    id: newId('evt'),
    tenant_id: event.tenantId,
    actor_type: actor.type,
    actor_id: actor.id,
    action: event.action,
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    request_id: actor.requestId,
    user_agent: actor.userAgent,
    details: JSON.stringify(event.details ?? {}),
    idempotency_key: event.idempotencyKey ?? null,
  };
}

/**
 * Appends one audit event. Call it inside the transaction of the change it
 * records, so the change and its record commit together or not at all.
 */
export async function recordAuditEvent(
  db: Kysely<Database>,
  actor: Actor,
  event: AuditEventInput,
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values(auditEventRow(actor, event))
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .execute();
}
