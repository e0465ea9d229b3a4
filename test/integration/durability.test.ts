import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { dispatchPendingSyncEvents } from '../../src/sync/dispatcher';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { request } from '../support/http';
import { ScimClient } from '../support/scim-client';
import { syncEventInState, syncEventOf } from '../support/sync-events';
import { workflowBundle } from '../support/workflow-bundle';

function deprovisionEventOf(stack: TestStack, userId: string) {
  return syncEventOf(stack.database.db, userId, 'deprovision');
}

describe('durability of deprovisioning', () => {
  it('starts the workflow from the outbox when the api could not start it after commit', async () => {
    // The api's Temporal address is dead: the write commits, the start fails.
    const stack = await startStack({ worker: false, dispatcher: false, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
    const nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ db: stack.database.db }),
    });
    const running = worker.run();
    try {
      const scim = await ScimClient.forNewTenant(stack);
      const userId = await scim.createUser('kai.lindqvist@example.com');
      const deleted = await scim.delete(`/Users/${userId}`);
      expect(deleted.status).toBe(204);
      expect(await deprovisionEventOf(stack, userId)).toMatchObject({ state: 'pending', dispatched_at: null });

      const starter = {
        client: new Client({ connection }),
        taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
        inFlight: new Set<Promise<unknown>>(),
      };
      const started = await dispatchPendingSyncEvents(stack.database.db, starter, { dispatchAfterMs: 0, intervalMs: 100 });
      // The deprovisioning and the role re-evaluation the deletion owes.
      expect(started).toBe(2);

      await syncEventInState(stack.database.db, userId, 'deprovision', 'completed', 15_000);
      const audit = await stack.database.db.selectFrom('audit_events').select('action').where('target_id', '=', userId).where('action', '=', 'user.deprovisioned').execute();
      expect(audit).toHaveLength(1);
    } finally {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await stack.stop();
    }
  });

  it('finishes a deprovisioning after the worker stops in the middle of it, recording it once', async () => {
    const stack = await startStack({ worker: false });
    const nativeConnection = await NativeConnection.connect({ address: stack.config.TEMPORAL_ADDRESS });
    let reachedAgentTokens!: () => void;
    const reached = new Promise<void>((resolve) => (reachedAgentTokens = resolve));
    const real = createActivities({ db: stack.database.db });
    // This worker dies while revoking agent tokens: the step never finishes.
    const dying = await Worker.create({
      connection: nativeConnection,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      workflowBundle: await workflowBundle(),
      identity: `dying-${randomBytes(3).toString('hex')}`,
      shutdownGraceTime: '100 milliseconds',
      activities: {
        ...real,
        async revokeAgentTokens() {
          reachedAgentTokens();
          await Context.current().cancelled;
          throw new Error('unreachable');
        },
      },
    });
    const dyingRun = dying.run();
    try {
      const scim = await ScimClient.forNewTenant(stack);
      const { tenantId } = scim;
      const userId = await scim.createUser('mira.okafor@example.com');
      const agent = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/users/${userId}/agent-tokens`, {
        token: stack.adminApiKey,
        body: { name: 'ci' },
      });
      expect(agent.status).toBe(201);
      await scim.delete(`/Users/${userId}`);

      await reached;
      dying.shutdown();
      await dyingRun;
      expect((await deprovisionEventOf(stack, userId)).state).toBe('running');

      const healthy = await stack.startWorker();
      try {
        await syncEventInState(stack.database.db, userId, 'deprovision', 'completed', 45_000);
      } finally {
        await healthy.stop();
      }
      const tokens = await stack.database.db.selectFrom('agent_tokens').select('revoked_at').where('user_id', '=', userId).execute();
      expect(tokens.map((token) => token.revoked_at !== null)).toEqual([true]);
      const deprovisioned = await stack.database.db.selectFrom('audit_events').select('action').where('target_id', '=', userId).where('action', 'in', ['user.deprovisioned', 'user.agent_tokens_revoked', 'user.account_deactivated']).execute();
      expect(deprovisioned.map((row) => row.action).sort()).toEqual(['user.account_deactivated', 'user.agent_tokens_revoked', 'user.deprovisioned']);
    } finally {
      await nativeConnection.close();
      await stack.stop();
    }
  });
});

