import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/** The append-only audit log and the sync-event outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.references('tenants.id'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('request_id', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .execute();
  await sql`create index audit_events_tenant_time on audit_events (tenant_id, occurred_at, id)`.execute(db);
  await sql`create index audit_events_target on audit_events (tenant_id, target_id)`.execute(db);

  // Append-only in the database itself: no role can rewrite history through the application.
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only (% refused)', tg_op
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_events_append_only
      before update or delete on audit_events
      for each row execute function audit_events_append_only()`.execute(db);
  await sql`
    create trigger audit_events_no_truncate
      before truncate on audit_events
      for each statement execute function audit_events_append_only()`.execute(db);

  await db.schema
    .createTable('sync_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('pending', 'running', 'completed', 'failed')`),
    )
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('last_error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('dispatched_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await sql`create index sync_events_undispatched on sync_events (created_at)
            where dispatched_at is null`.execute(db);
  await sql`create index sync_events_tenant_state on sync_events (tenant_id, state, created_at)`.execute(db);
  await sql`create index sync_events_resource on sync_events (tenant_id, resource_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_events').execute();
  await db.schema.dropTable('audit_events').execute();
  await sql`drop function audit_events_append_only`.execute(db);
}
