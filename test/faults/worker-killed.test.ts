import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { Client } from 'pg';
import { createActivities } from '../../activities';
import type { Activities } from '../../activities';
import { createDb } from '../../src/db/database';
import { workflowHistory } from '../../src/operations/workflow-history';
import { TrafficLedger, createTrafficTargets, driveIdpTraffic } from '../support/idp-traffic';
import { checkNoLoss } from '../support/no-loss';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { workflowBundle } from '../support/workflow-bundle';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the doomed step was when its worker died. */
interface Victim {
  syncEventId: string;
  workflowId: string;
}

/**
 * A worker that dies in the middle of one step: `doom` replaces that step
 * the first time it has real work, and the worker is then shut down with
 * no grace, as a crash would leave things. Every other step runs for real.
 */
async function startDoomedWorker(
  stack: TestStack,
  step: keyof Activities,
  doom: (real: Activities, input: any, died: Promise<void>) => Promise<'doomed' | unknown>,
) {
  const db = createDb(stack.config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: stack.config.TEMPORAL_ADDRESS });
  const real = createActivities({ db });
  let reached!: (victim: Victim) => void;
  const victim = new Promise<Victim>((resolve) => (reached = resolve));
  let doomed = false;
  const doomedStep = async (input: any) => {
    if (doomed) return (real[step] as (input: any) => Promise<unknown>)(input);
    const info = Context.current().info;
    const died = Context.current().cancelled.catch(() => undefined);
    const outcome = await doom(real, input, died);
    if (outcome !== 'doomed') return outcome;
    doomed = true;
    reached({
      syncEventId: input.syncEventId,
      workflowId: info.workflowExecution?.workflowId ?? '',
    });
    await died;
    throw new Error('the worker died');
  };
  const worker = await Worker.create({
    connection,
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    identity: `doomed-${randomBytes(3).toString('hex')}`,
    shutdownGraceTime: '100 milliseconds',
    activities: { ...real, [step]: doomedStep },
  });
  const running = worker.run();

  return {
    victim,
    async kill() {
      worker.shutdown();
      await running;
      await connection.close();
      await db.destroy();
    },
  };
}

/** Traffic with a doomed worker, then a healthy one; ends with the no-loss check. */
async function killMidStep(
  stack: TestStack,
  step: keyof Activities,
  doom: (real: Activities, input: any, died: Promise<void>) => Promise<'doomed' | unknown>,
) {
  const doomedWorker = await startDoomedWorker(stack, step, doom);
  const targets = await createTrafficTargets(
    stack.baseUrl,
    stack.adminApiKey,
    `worker killed in ${step}`,
  );
  const ledger = new TrafficLedger();
  let sending = true;
  const traffic = driveIdpTraffic(targets, ledger, {
    lanes: 3,
    keepGoing: () => sending,
    requestTimeoutMs: 10_000,
  });

  const victim = await Promise.race([
    doomedWorker.victim,
    sleep(30_000).then(() => {
      throw new Error(`no ${step} with work to do within 30 s`);
    }),
  ]);
  await doomedWorker.kill();
  stack.worker = await stack.startWorker();
  await sleep(3000);
  sending = false;
  await traffic;

  // A step stranded with the dead worker is retried at its start-to-close timeout (≤ 2 min).
  // TODO(sync): a stopped worker can also strand a task the server had just handed to one of
  // its polls (seen in the PostgreSQL outage test); heartbeat timeouts would bound both.
  const report = await checkNoLoss({
    db: stack.database.db,
    baseUrl: stack.baseUrl,
    adminApiKey: stack.adminApiKey,
    ledger,
    settleTimeoutMs: 150_000,
    temporal: stack.api.context.workflows.client,
  });
  expect(report.problems).toEqual([]);
  expect(ledger.notable).toEqual([]);
  const history = await workflowHistory(stack.api.context.workflows.client, victim.workflowId);
  const attempts = history.available
    ? history.run.activities
        .filter((activity) => activity.activity_type === step)
        .map((activity) => activity.attempts)
    : [];
  expect([history.available && history.run.status, Math.max(...attempts)]).toEqual([
    'COMPLETED',
    expect.any(Number),
  ]);
  expect(Math.max(...attempts)).toBeGreaterThan(1);

  return victim;
}

describe('a worker killed in the middle of a sync workflow', () => {
  let stack: TestStack;

  beforeEach(async () => {
    stack = await startStack({ worker: false });
  }, 60_000);

  afterEach(async () => {
    await stack.stop();
  });

  it('finishes a deprovisioning whose worker died after revoking sessions, revoking and recording once', async () => {
    // The step commits, then the worker dies before Temporal hears of it: the retry finds nothing left.
    const victim = await killMidStep(stack, 'revokeSessions', async (real, input) => {
      const result = await real.revokeSessions(input);

      return result.revoked > 0 ? 'doomed' : result;
    });

    const steps = await stack.database.db
      .selectFrom('audit_events')
      .select('action')
      .where(sql<string>`details->>'sync_event_id'`, '=', victim.syncEventId)
      .execute();
    const actions = steps.map((row) => row.action).sort();
    expect(actions.filter((action) => action === 'user.sessions_revoked')).toHaveLength(1);
    expect(actions.filter((action) => action === 'user.deprovisioned')).toHaveLength(1);
  }, 240_000);

  it('finishes a role re-evaluation whose worker died holding the tenant lock with roles half written', async () => {
    // The worker dies in the middle of its transaction: the lock is held and wrong roles are
    // written but not committed. PostgreSQL rolls them back when the connection drops.
    const victim = await killMidStep(stack, 'reevaluateUsers', async (real, input, died) => {
      const client = new Client({ connectionString: stack.config.DATABASE_URL });
      client.on('error', () => undefined);
      await client.connect();
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`roles:${input.tenantId}`]);
      const written = await client.query(
        `update users set role = case when role = 'admin' then 'viewer' else 'admin' end
           where tenant_id = $1 and id = any($2::text[])`,
        [input.tenantId, input.userIds],
      );
      if (written.rowCount === 0) {
        await client.end();
        return real.reevaluateUsers(input);
      }
      void died.then(() =>
        (
          client as unknown as { connection: { stream: { destroy: () => void } } }
        ).connection.stream.destroy(),
      );

      return 'doomed';
    });

    const event = await stack.database.db
      .selectFrom('sync_events')
      .select('state')
      .where('id', '=', victim.syncEventId)
      .executeTakeFirstOrThrow();
    expect(event.state).toBe('completed');
  }, 240_000);
});
