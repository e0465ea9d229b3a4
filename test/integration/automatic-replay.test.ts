import pino from 'pino';
import { startApiServer } from '../../src/api-server';
import { replayDueSyncEvents } from '../../src/sync/automatic-replay';
import type { TestStack } from '../support/stack';
import { cliAgainst } from '../support/cli';
import { eventually, request, ssoLogin } from '../support/http';
import { ScimClient } from '../support/scim-client';
import { replayAuditsOf, syncEventInState, syncEventOf } from '../support/sync-events';
import { stackWithFaultsForFile } from '../support/worker-with-faults';

type SyncKind = 'deprovision' | 'reevaluate_roles';
type StoredEvent = Awaited<ReturnType<typeof syncEventOf>>;

/** Between automatic replays: 500 ms, then 1 s; never a third. */
const FIRST_DELAY_MS = 500;
const MAX_REPLAYS = 2;

let stack: TestStack;
/**
 * Flipped by the tests: the session store, or PostgreSQL for every run's first step, is
 * down. Two attempts per step and delays under a second keep each test to seconds.
 */
const faults = stackWithFaultsForFile(
  {
    SYNC_STEP_MAX_ATTEMPTS: '2',
    SYNC_AUTO_REPLAY_MAX: String(MAX_REPLAYS),
    SYNC_AUTO_REPLAY_FIRST_DELAY_MS: String(FIRST_DELAY_MS),
    SYNC_AUTO_REPLAY_MAX_DELAY_MS: '1000',
  },
  (started) => (stack = started),
);

const admin = () => ({ token: stack.adminApiKey });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function inState(userId: string, kind: SyncKind, state: string) {
  return syncEventInState(stack.database.db, userId, kind, state);
}

/** Waits until the user's event of this kind matches `done`, and returns it. */
function eventWhen(
  userId: string,
  kind: SyncKind,
  done: (event: StoredEvent) => boolean,
) {
  return eventually(
    async () => {
      const event = await syncEventOf(stack.database.db, userId, kind);

      return done(event) ? event : undefined;
    },
    30_000,
    50,
  );
}

function replayAudits(syncEventId: string) {
  return replayAuditsOf(stack.database.db, syncEventId);
}

/** The event as `GET sync-events/{id}` shows it. */
function shown(tenantId: string, syncEventId: string) {
  return request(stack, 'GET', `/admin/v1/tenants/${tenantId}/sync-events/${syncEventId}`, admin());
}

function msBetween(from: Date, to: Date | null): number | undefined {
  return to === null ? undefined : to.getTime() - from.getTime();
}

describe('automatic replay of sync events that failed on a transient fault', () => {
  it('replays a deprovisioning that failed while the session store was down, unasked, until it completes once the store is back', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scim.createUser('noor.haddad@example.com');
    expect((await ssoLogin(stack, tenantId, 'noor.haddad@example.com')).status).toBe(201);

    faults.sessionStoreDown = true;
    expect((await scim.setActive(userId, false)).status).toBe(200);
    // Polled faster than the first delay, so that the failure is seen before its replay.
    const failed = await eventWhen(userId, 'deprovision', (event) => event.state === 'failed');
    expect(failed).toMatchObject({
      last_error: expect.stringMatching(
        /^revokeSessions gave up after 2 attempts: Error: session store unreachable/,
      ),
      last_fault: 'transient',
      automatic_replays: 0,
    });
    expect(msBetween(failed.updated_at, failed.next_automatic_replay_at)).toBe(FIRST_DELAY_MS);

    // The first automatic replay meets the same outage and fails too; the next waits twice as long.
    const failedAgain = await eventWhen(
      userId,
      'deprovision',
      (event) => event.automatic_replays === 1 && event.state === 'failed',
    );
    expect(failedAgain.workflow_id).toBe(`${failed.workflow_id}/replay-1`);
    expect(msBetween(failedAgain.updated_at, failedAgain.next_automatic_replay_at)).toBe(
      2 * FIRST_DELAY_MS,
    );
    // What a support engineer sees meanwhile: nothing to do, the next replay is due shortly.
    const due = failedAgain.next_automatic_replay_at?.toISOString();
    expect((await shown(tenantId, failed.id)).body).toMatchObject({
      state: 'failed',
      last_fault: 'transient',
      automatic_replays: 1,
      next_automatic_replay_at: due,
    });
    const shownByCli = await cliAgainst(stack, ['-t', tenantId, 'sync-events', 'show', failed.id]);
    expect(shownByCli.stdout).toMatch(
      new RegExp(`^fault:\\s+transient\nruns:\\s+2\nauto replay:\\s+1, next ${due}\n`, 'm'),
    );

    faults.sessionStoreDown = false;
    const completed = await inState(userId, 'deprovision', 'completed');
    expect(completed).toMatchObject({
      workflow_id: `${failed.workflow_id}/replay-2`,
      automatic_replays: 2,
      next_automatic_replay_at: null,
      last_error: null,
      last_fault: null,
    });
    const sessions = await stack.database.db
      .selectFrom('sessions')
      .select('revoked_at')
      .where('user_id', '=', userId)
      .execute();
    expect(sessions.map((session) => session.revoked_at)).toEqual([expect.any(Date)]);

    const audits = await replayAudits(failed.id);
    expect(audits.map((audit) => [audit.actor_type, audit.actor_id, audit.details])).toEqual([
      [
        'system',
        null,
        expect.objectContaining({
          automatic: true,
          automatic_replays: 1,
          outcome: 'replayed',
          previous_workflow_id: failed.workflow_id,
          last_fault: 'transient',
        }),
      ],
      [
        'system',
        null,
        expect.objectContaining({
          automatic: true,
          automatic_replays: 2,
          outcome: 'replayed',
          previous_workflow_id: `${failed.workflow_id}/replay-1`,
        }),
      ],
    ]);
    const deprovisioned = await stack.database.db
      .selectFrom('audit_events')
      .select('actor_type')
      .where('target_id', '=', userId)
      .where('action', '=', 'user.deprovisioned')
      .execute();
    expect(deprovisioned).toEqual([{ actor_type: 'system' }]);

    expect((await shown(tenantId, failed.id)).body).toMatchObject({
      state: 'completed',
      replays: 2,
      automatic_replays: 2,
      next_automatic_replay_at: null,
      workflow_runs: [{}, {}, {}],
    });
  }, 60_000);

  it('replays deprovisioning and role re-evaluation at most SYNC_AUTO_REPLAY_MAX times, then leaves them to a person', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scim.createUser('tomas.reyes@example.com');

    faults.databaseDown = true;
    expect((await scim.setActive(userId, false)).status).toBe(200);
    const exhausted = (event: StoredEvent) =>
      event.automatic_replays === MAX_REPLAYS &&
      event.state === 'failed' &&
      event.next_automatic_replay_at === null;
    const deprovision = await eventWhen(userId, 'deprovision', exhausted);
    const roles = await eventWhen(userId, 'reevaluate_roles', exhausted);
    for (const event of [deprovision, roles]) {
      expect(event).toMatchObject({
        workflow_id: expect.stringMatching(/\/replay-2$/),
        last_error: expect.stringMatching(
          /^markSyncEventRunning gave up after 2 attempts: Error: database unavailable/,
        ),
        last_fault: 'transient',
      });
    }

    // Longer than the longest delay and several ticks of the loop: nothing more happens.
    await sleep(1500);
    expect(await syncEventOf(stack.database.db, userId, 'deprovision')).toEqual(deprovision);
    expect(await syncEventOf(stack.database.db, userId, 'reevaluate_roles')).toEqual(roles);
    expect((await replayAudits(deprovision.id)).map((audit) => audit.details.outcome)).toEqual([
      'replayed',
      'replayed',
    ]);

    const listed = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events?state=failed`,
      admin(),
    );
    const waitingForAPerson = { automatic_replays: 2, next_automatic_replay_at: null };
    expect(listed.body.items).toEqual([
      expect.objectContaining({ kind: 'reevaluate_roles', ...waitingForAPerson }),
      expect.objectContaining({ kind: 'deprovision', ...waitingForAPerson }),
    ]);
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /^bulwark_sync_events_failed\{kind="deprovision",awaiting="person"\} 1$/m,
    );
    expect(metrics).toMatch(
      /^bulwark_sync_events_replayed_automatically\{kind="reevaluate_roles",state="failed"\} 1$/m,
    );

    // A person's replay after the fix still works, and does not count as an automatic one.
    faults.databaseDown = false;
    const replay = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/sync-events/${deprovision.id}/replay`,
      { ...admin(), headers: { 'X-Bulwark-Actor': 'jane.doe@support' } },
    );
    expect(replay.status).toBe(202);
    const completed = await inState(userId, 'deprovision', 'completed');
    expect(completed).toMatchObject({
      workflow_id: deprovision.workflow_id.replace(/\/replay-2$/, '/replay-3'),
      automatic_replays: 2,
    });
  }, 60_000);

  it('leaves a permanent failure to a person', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scim.createUser('mina.sato@example.com');

    // No worker while the IdP deactivates the user and an admin switches SCIM off.
    await stack.worker?.stop();
    stack.worker = undefined;
    expect((await scim.setActive(userId, false)).status).toBe(200);
    const disabled = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim:disable`,
      admin(),
    );
    expect(disabled.body).toMatchObject({ enabled: false, changed: true });
    stack.worker = await stack.startWorker();

    const failed = await inState(userId, 'reevaluate_roles', 'failed');
    expect(failed).toMatchObject({
      last_error: expect.stringMatching(/^reevaluateUsers failed permanently: TenantDisabled/),
      last_fault: 'permanent',
      next_automatic_replay_at: null,
      automatic_replays: 0,
    });
    await sleep(1500);
    expect(await syncEventOf(stack.database.db, userId, 'reevaluate_roles')).toEqual(failed);
    expect(await replayAudits(failed.id)).toEqual([]);
  }, 60_000);

  it('replays each due event once when two api processes look for due events at the same time', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const userIds = await Promise.all(
      ['ari', 'bea', 'cai', 'dev', 'eli', 'fay'].map((name) =>
        scim.createUser(`${name}@example.com`),
      ),
    );
    const replica = await startApiServer({ ...stack.config, PORT: 0 }, pino({ level: 'silent' }), {
      dispatcher: false,
    });
    try {
      faults.sessionStoreDown = true;
      await Promise.all(userIds.map((userId) => scim.setActive(userId, false)));
      await Promise.all(userIds.map((userId) => inState(userId, 'deprovision', 'failed')));
      faults.sessionStoreDown = false;

      // Both processes ask over and over, racing each other and the stack's own loop.
      const silent = pino({ level: 'silent' });
      const settled = async () => {
        const events = await Promise.all(
          userIds.map((userId) => syncEventOf(stack.database.db, userId, 'deprovision')),
        );

        return events.every((event) => event.state === 'completed') ? events : undefined;
      };
      let completed: StoredEvent[] | undefined;
      while ((completed = await settled()) === undefined) {
        await Promise.all([
          replayDueSyncEvents(stack.api.context, silent),
          replayDueSyncEvents(replica.context, silent),
        ]);
      }

      for (const [index, event] of completed.entries()) {
        const audits = await replayAudits(event.id);
        expect(audits.map((audit) => audit.details.outcome)).toEqual(
          Array(event.automatic_replays).fill('replayed'),
        );
        expect(audits.map((audit) => audit.details.automatic_replays)).toEqual(
          audits.map((_audit, count) => count + 1),
        );
        expect(event.automatic_replays).toBeGreaterThanOrEqual(1);
        const original = `deprovision/${scim.tenantId}/${userIds[index]}/${event.id}`;
        expect(event.workflow_id).toBe(`${original}/replay-${event.automatic_replays}`);
      }
    } finally {
      await replica.stop();
    }
  }, 60_000);
});
