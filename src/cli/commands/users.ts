import type { Command } from 'commander';
import type { AuditEvent, Page, SyncEvent, TenantUser } from '../api-types';
import type { CliIo } from '../cli-io';
import { writeOut } from '../cli-io';
import { invocationOf } from '../invocation';
import { printFields, printJson, printTable, truncate } from '../output';

const RECENT = 10;

// TODO(operations): find a user by userName or email; the admin API only reads users by id,
// so the runbook falls back to psql for that step.

/** `users show`: a support engineer's first look at one account. */
export function usersCommand(program: Command, io: CliIo): void {
  const group = program.command('users').description('accounts of the tenant');

  group
    .command('show <userId>')
    .description('the account, why it has its role, its sync events and its latest audit events')
    .action(async (userId: string, _options, command: Command) => {
      const run = await invocationOf(command, io);
      const user = await run.client.get<TenantUser>(
        run.client.tenantPath(run.tenantId, `users/${encodeURIComponent(userId)}`),
      );
      const events = await run.client.get<Page<SyncEvent>>(
        run.client.tenantPath(run.tenantId, 'sync-events'),
        {
          user: userId,
          limit: RECENT,
        },
      );
      const audit = await run.client.get<Page<AuditEvent>>(
        run.client.tenantPath(run.tenantId, 'audit-events'),
        {
          target: userId,
          limit: RECENT,
        },
      );
      if (run.json)
        return printJson(io, { user, sync_events: events.items, audit_events: audit.items });

      const explanation = user.role_explanation;
      const grants = explanation.groups.map(
        (grant) => `${grant.displayName} (${grant.id}) → ${grant.role}`,
      );
      await printFields(io, [
        ['id', user.id],
        ['userName', user.userName],
        ['active', user.active],
        ['deprovisioned', user.deprovisioned_at],
        ['deleted', user.deleted_at],
        ['role', user.role],
        ['granted by', explanation.none_reason ?? explanation.granted_by],
        ['mapped groups', grants.length === 0 ? null : grants.join('; ')],
        ['re-evaluation pending', explanation.reevaluation_pending],
      ]);
      await writeOut(io.stdout, `\nsync events (newest ${RECENT}):\n`);
      await printTable(io, events.items, [
        ['ID', (event) => event.id],
        ['KIND', (event) => event.kind],
        ['STATE', (event) => event.state],
        ['CREATED', (event) => event.created_at],
        ['LAST ERROR', (event) => truncate(event.last_error, 60)],
      ]);
      await writeOut(io.stdout, `\naudit events (newest ${RECENT}):\n`);
      await printTable(io, audit.items, [
        ['TIME', (event) => event.occurred_at],
        ['ACTION', (event) => event.action],
        [
          'ACTOR',
          (event) =>
            event.actor_id === null ? event.actor_type : `${event.actor_type}:${event.actor_id}`,
        ],
        ['DETAILS', (event) => truncate(JSON.stringify(event.details), 60)],
      ]);
    });
}
