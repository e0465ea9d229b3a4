import type { Command } from 'commander';
import type { Page, ReplayResult, SyncEvent, SyncEventDetail } from '../api-types';
import type { CliIo } from '../cli-io';
import { writeOut } from '../cli-io';
import type { Invocation } from '../invocation';
import { invocationOf, wholeNumber } from '../invocation';
import { printFields, printJson, printTable, truncate } from '../output';

/** Automatic replays so far and, while one is owed, when: `1, next 2025-01-30T18:05:00.000Z`. */
function automaticReplays(event: SyncEvent): string {
  const count = String(event.automatic_replays);
  const next = event.next_automatic_replay_at;

  return next === null ? count : `${count}, next ${next}`;
}

async function printEvents(run: Invocation, page: Page<SyncEvent>, all: boolean): Promise<void> {
  if (run.json) return printJson(run.io, page);

  await printTable(run.io, page.items, [
    ['ID', (event) => event.id],
    ['KIND', (event) => event.kind],
    ['STATE', (event) => event.state],
    ['RESOURCE', (event) => `${event.resource_type} ${event.resource_id}`],
    ['CREATED', (event) => event.created_at],
    ['RUNS', (event) => event.attempts],
    ['AUTO REPLAYS', automaticReplays],
    ['LAST ERROR', (event) => truncate(event.last_error, 80)],
  ]);
  if (!all && page.next_cursor !== null)
    await writeOut(run.io.stdout, `more: --cursor ${page.next_cursor}\n`);
}

async function printDetail(run: Invocation, event: SyncEventDetail): Promise<void> {
  if (run.json) return printJson(run.io, event);

  await printFields(run.io, [
    ['id', event.id],
    ['kind', event.kind],
    ['resource', `${event.resource_type} ${event.resource_id}`],
    ['state', event.state],
    ['last error', event.last_error],
    ['fault', event.last_fault],
    ['runs', event.attempts],
    ['auto replay', automaticReplays(event)],
    ['created', event.created_at],
    ['completed', event.completed_at],
    ['workflow', event.workflow_id],
    ['temporal ui', event.temporal_ui_url],
  ]);
  if (event.workflow_runs.length > 1) {
    await writeOut(run.io.stdout, '\nworkflow runs (oldest first):\n');
    for (const workflowRun of event.workflow_runs)
      await writeOut(run.io.stdout, `  ${workflowRun.temporal_ui_url}\n`);
  }
  if (event.history === null) {
    await writeOut(
      run.io.stdout,
      `\nhistory: unavailable (${event.history_unavailable ?? 'unknown reason'})\n`,
    );

    return;
  }
  await writeOut(run.io.stdout, '\n');
  await printFields(run.io, [
    ['workflow status', event.history.status],
    ['started', event.history.start_time],
    ['closed', event.history.close_time],
    ['failure', event.history.failure],
  ]);
  await writeOut(run.io.stdout, '\n');
  await printTable(run.io, event.history.activities, [
    ['STEP', (step) => step.summary ?? step.activity_type],
    ['ACTIVITY', (step) => step.activity_type],
    ['STATE', (step) => step.state],
    ['ATTEMPTS', (step) => step.attempts],
    ['LAST FAILURE', (step) => truncate(step.last_failure, 80)],
  ]);
}

async function printReplay(io: CliIo, result: ReplayResult): Promise<void> {
  const mark = result.replayed ? 'replayed' : 'unchanged';
  await writeOut(
    io.stdout,
    `${result.sync_event_id}  ${mark} (${result.outcome})  ${result.temporal_ui_url}\n`,
  );
}

/** `sync-events list|show|replay|replay-failed`. */
export function syncEventsCommand(program: Command, io: CliIo): void {
  const group = program
    .command('sync-events')
    .description('find, inspect and replay sync events (the outbox)');

  group
    .command('list')
    .description('sync events of the tenant, newest first')
    .option('--user <userId>', 'only events about this user')
    .option('--kind <kind>', 'deprovision or reevaluate_roles')
    .option('--state <state>', 'pending, running, completed or failed')
    .option('--limit <n>', 'events per page (1-500)', wholeNumber(500))
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--all', 'follow every page')
    .action(async (options, command: Command) => {
      const run = await invocationOf(command, io);
      const path = run.client.tenantPath(run.tenantId, 'sync-events');
      const query = {
        user: options.user,
        kind: options.kind,
        state: options.state,
        limit: options.limit,
      };
      let page = await run.client.get<Page<SyncEvent>>(path, { ...query, cursor: options.cursor });
      if (options.all === true) {
        const items = [...page.items];
        while (page.next_cursor !== null) {
          page = await run.client.get<Page<SyncEvent>>(path, {
            ...query,
            cursor: page.next_cursor,
          });
          items.push(...page.items);
        }
        page = { items, next_cursor: null };
      }
      await printEvents(run, page, options.all === true);
    });

  group
    .command('show <syncEventId>')
    .description('one sync event with its workflow links and a summary of its Temporal history')
    .action(async (syncEventId: string, _options, command: Command) => {
      const run = await invocationOf(command, io);
      const path = run.client.tenantPath(
        run.tenantId,
        `sync-events/${encodeURIComponent(syncEventId)}`,
      );
      await printDetail(run, await run.client.get<SyncEventDetail>(path));
    });

  group
    .command('replay <syncEventId>')
    .description('run a failed sync event again; a completed or running one is left alone')
    .action(async (syncEventId: string, _options, command: Command) => {
      const run = await invocationOf(command, io);
      const path = run.client.tenantPath(
        run.tenantId,
        `sync-events/${encodeURIComponent(syncEventId)}/replay`,
      );
      const result = await run.client.post<ReplayResult>(path);
      if (run.json) return printJson(io, result);

      await printReplay(io, result);
      await writeOut(io.stdout, `${result.detail}\n`);
    });

  group
    .command('replay-failed')
    .description("replay the tenant's failed sync events, oldest first")
    .option('--kind <kind>', 'deprovision or reevaluate_roles')
    .option(
      '--since <time>',
      'only events that failed at or after this ISO time, e.g. 2025-01-30T18:00:00Z',
    )
    .option('--limit <n>', 'at most this many (1-500, default 100)', wholeNumber(500))
    .action(async (options, command: Command) => {
      const run = await invocationOf(command, io);
      const path = run.client.tenantPath(run.tenantId, 'sync-events/replay-failed');
      const body = { kind: options.kind, since: options.since, limit: options.limit };
      const outcome = await run.client.post<{
        replayed: number;
        results: ReplayResult[];
        remaining: number;
      }>(path, body);
      if (run.json) return printJson(io, outcome);

      for (const result of outcome.results) await printReplay(io, result);
      await writeOut(
        io.stdout,
        `replayed ${outcome.replayed}; ${outcome.remaining} failed event(s) left\n`,
      );
    });
}
