import pino from 'pino';
import type { ApiServer } from '../../src/api-server';
import { startApiServer } from '../../src/api-server';
import { createWorker } from '../../src/worker-runtime';
import { TrafficLedger, createTrafficTargets, driveIdpTraffic } from '../support/idp-traffic';
import { checkNoLoss } from '../support/no-loss';
import { serverSettings } from '../support/settings';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { workflowBundle } from '../support/workflow-bundle';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the api killed between commit and workflow start', () => {
  let stack: TestStack;
  let successor: ApiServer | undefined;

  beforeAll(async () => {
    // Every write commits, and no workflow start ever gets out: as if the process died
    // right after each commit. Its dispatcher is off, as it would be in a dead process.
    stack = await startStack({
      worker: false,
      dispatcher: false,
      env: { TEMPORAL_ADDRESS: '127.0.0.1:1' },
    });
  }, 60_000);

  afterAll(async () => {
    await successor?.stop();
    await stack.stop();
  });

  it("leaves every owed workflow in the outbox for the next api process's dispatcher, which runs each once", async () => {
    const targets = await createTrafficTargets(stack.baseUrl, stack.adminApiKey, 'api killed');
    const ledger = new TrafficLedger();
    let sending = true;
    const traffic = driveIdpTraffic(targets, ledger, {
      lanes: 3,
      keepGoing: () => sending,
      requestTimeoutMs: 10_000,
    });
    await sleep(5000);
    sending = false;
    await traffic;
    // From here on nothing reaches the first api again; the stack stops it at the end.

    const owed = await stack.database.db
      .selectFrom('sync_events')
      .select(['id', 'dispatched_at'])
      .execute();
    expect(owed.length).toBeGreaterThan(5);
    expect(owed.filter((event) => event.dispatched_at !== null)).toEqual([]);

    // The next api process, and a worker, both reaching Temporal.
    const config = { ...stack.config, TEMPORAL_ADDRESS: serverSettings().temporalAddress, PORT: 0 };
    successor = await startApiServer(config, pino({ level: 'silent' }));
    const { worker, close } = await createWorker(config, {
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    stack.worker = {
      async stop() {
        worker.shutdown();
        await running;
        await close();
      },
    };

    const report = await checkNoLoss({
      db: stack.database.db,
      baseUrl: `http://127.0.0.1:${successor.port}`,
      adminApiKey: stack.adminApiKey,
      ledger,
      settleTimeoutMs: 60_000,
      temporal: successor.context.workflows.client,
    });
    expect(report.problems).toEqual([]);
    expect(ledger.notable).toEqual([]);
    expect(report.counts.syncEventsCompleted).toBe(owed.length);
  }, 120_000);
});
