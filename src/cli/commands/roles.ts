import type { Command } from 'commander';
import type { SyncEvent } from '../api-types';
import type { CliIo } from '../cli-io';
import { writeOut } from '../cli-io';
import { invocationOf } from '../invocation';
import { printJson } from '../output';

/** `roles reevaluate`. */
export function rolesCommand(program: Command, io: CliIo): void {
  const group = program.command('roles').description('role mapping operations');

  group
    .command('reevaluate')
    .description("recompute every user's role of the tenant from its groups, as a durable workflow")
    .action(async (_options, command: Command) => {
      const run = await invocationOf(command, io);
      const event = await run.client.post<SyncEvent>(
        run.client.tenantPath(run.tenantId, 'roles/reevaluate'),
      );
      if (run.json) return printJson(io, event);

      await writeOut(io.stdout, `started ${event.id}  ${event.temporal_ui_url}\n`);
      await writeOut(io.stdout, `follow it with: bulwark-admin sync-events show ${event.id}\n`);
    });
}
