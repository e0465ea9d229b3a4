import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { createScimTenant, eventually, request } from '../support/http';
import { provisionedUserWithTokens } from '../support/platform-tokens';
import { workflowBundle } from '../support/workflow-bundle';

type HistoryEvent = NonNullable<History['events']>[number];

let stack: TestStack;
let client: Client;

beforeAll(async () => {
  stack = await startStack();
  client = new Client({ connection: await Connection.connect({ address: stack.config.TEMPORAL_ADDRESS }) });
});

afterAll(async () => {
  await client.connection.close();
  await stack.stop();
});

/** Deletes a provisioned user through SCIM and returns the history of its completed deprovisioning. */
async function deprovisioningHistory(email: string) {
  const { tenantId, scimToken } = await createScimTenant(stack);
  const user = await provisionedUserWithTokens(stack, tenantId, scimToken, email);
  expect((await request(stack, 'DELETE', `/scim/v2/Users/${user.userId}`, { token: scimToken })).status).toBe(204);
  const event = await eventually(() =>
    stack.database.db
      .selectFrom('sync_events')
      .select('workflow_id')
      .where('resource_id', '=', user.userId)
      .where('kind', '=', 'deprovision')
      .where('state', '=', 'completed')
      .executeTakeFirst(),
  );
  const handle = client.workflow.getHandle(event.workflow_id ?? '');
  await handle.result();

  return handle.fetchHistory();
}

/** Activity names grouped by the workflow task that scheduled them, in history order. */
function activitiesByWorkflowTask(events: HistoryEvent[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled == null) continue;
    const task = String(scheduled.workflowTaskCompletedEventId);
    groups.set(task, [...(groups.get(task) ?? []), scheduled.activityType?.name ?? '']);
  }

  return [...groups.values()];
}

describe('deprovisioning workflow versions', () => {
  it('takes the account, sessions and agent tokens away in one round of steps', async () => {
    const history = await deprovisioningHistory('amara.okafor@example.com');

    expect(activitiesByWorkflowTask(history.events ?? [])).toEqual([
      ['markSyncEventRunning'],
      ['markAccountInactive', 'revokeSessions', 'revokeAgentTokens'],
      ['recordDeprovisioned'],
      ['completeSyncEvent'],
    ]);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
  });

  it('replays a run recorded when the steps ran one after another, as runs in flight across an upgrade do', async () => {
    const recorded = JSON.parse(
      readFileSync(path.join(__dirname, 'fixtures/deprovision-user-sequential-history.json'), 'utf8'),
    ) as { events: HistoryEvent[] };
    // The fixture is what it claims to be: six steps, each in a workflow task of its own.
    expect(activitiesByWorkflowTask(recorded.events)).toEqual([
      ['markSyncEventRunning'],
      ['markAccountInactive'],
      ['revokeSessions'],
      ['revokeAgentTokens'],
      ['recordDeprovisioned'],
      ['completeSyncEvent'],
    ]);

    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, recorded, 'recorded-sequential-run'),
    ).resolves.toBeUndefined();
  });
});
