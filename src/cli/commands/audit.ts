import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import type { AuditEvent, Page } from '../api-types';
import type { CliIo } from '../cli-io';
import { writeOut } from '../cli-io';
import { UsageError, invocationOf, wholeNumber } from '../invocation';
import { printJson, printTable, truncate } from '../output';

function withFilters(command: Command): Command {
  return command
    .option('--action <action>', 'an action, or a prefix ending in * (user.*)')
    .option('--target <id>', 'events about this user, group, token or sync event')
    .option('--actor <name>', 'events by this person (or tenant id, for SCIM writes)')
    .option('--actor-type <type>', 'scim, admin, system or user')
    .option('--since <time>', 'at or after this ISO time')
    .option('--until <time>', 'before this ISO time');
}

function filtersOf(options: Record<string, string | undefined>) {
  return {
    action: options.action,
    target: options.target,
    actor: options.actor,
    actor_type: options.actorType,
    since: options.since,
    until: options.until,
  };
}

/** `audit list|export`. */
export function auditCommand(program: Command, io: CliIo): void {
  const group = program.command('audit').description("the tenant's append-only audit log");

  withFilters(group.command('list'))
    .description('audit events, newest first')
    .option('--limit <n>', 'events per page (1-1000)', wholeNumber(1000))
    .option('--cursor <cursor>', 'continue after a previous page')
    .action(async (options, command: Command) => {
      const run = await invocationOf(command, io);
      const page = await run.client.get<Page<AuditEvent>>(
        run.client.tenantPath(run.tenantId, 'audit-events'),
        {
          ...filtersOf(options),
          limit: options.limit,
          cursor: options.cursor,
        },
      );
      if (run.json) return printJson(io, page);

      await printTable(io, page.items, [
        ['TIME', (event) => event.occurred_at],
        ['ACTION', (event) => event.action],
        [
          'ACTOR',
          (event) =>
            event.actor_id === null ? event.actor_type : `${event.actor_type}:${event.actor_id}`,
        ],
        ['TARGET', (event) => event.target_id],
        ['DETAILS', (event) => truncate(JSON.stringify(event.details), 80)],
      ]);
      if (page.next_cursor !== null)
        await writeOut(io.stdout, `more: --cursor ${page.next_cursor}\n`);
    });

  withFilters(group.command('export'))
    .description('every matching event, oldest first, as JSON Lines')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (options, command: Command) => {
      const run = await invocationOf(command, io);
      const body = await run.client.stream(
        run.client.tenantPath(run.tenantId, 'audit-events/export'),
        filtersOf(options),
      );
      if (options.output !== undefined) {
        // Never overwrite: an earlier export may be the only copy someone kept.
        const file = createWriteStream(options.output, { flags: 'wx' });
        try {
          await pipeline(Readable.fromWeb(body as NodeReadableStream), file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
            throw new UsageError(`${options.output} already exists; choose another --output.`);
          }
          throw error;
        }

        return;
      }
      const decoder = new TextDecoder();
      for await (const chunk of body)
        await writeOut(io.stdout, decoder.decode(chunk, { stream: true }));
      await writeOut(io.stdout, decoder.decode());
    });
}
