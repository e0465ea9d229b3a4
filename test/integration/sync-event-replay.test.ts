import type { TestStack } from '../support/stack';
import { createScimTenant, eventually, request, ssoLogin } from '../support/http';
import { ScimClient } from '../support/scim-client';
import { replayAuditsOf, syncEventInState, syncEventOf } from '../support/sync-events';
import { stackWithFaultsForFile } from '../support/worker-with-faults';

let stack: TestStack;
/**
 * A test sets `sessionStoreDown` to make revokeSessions fail, as if its database were
 * unreachable. A short retry budget, so that exhausting it takes seconds, not the default
 * ~17 minutes; no automatic replay, since these tests are about a support engineer's replay.
 */
const faults = stackWithFaultsForFile(
  { SYNC_STEP_MAX_ATTEMPTS: '8', SYNC_AUTO_REPLAY_MAX: '0' },
  (started) => (stack = started),
);

const admin = () => ({ token: stack.adminApiKey });

function inState(
  userId: string,
  kind: 'deprovision' | 'reevaluate_roles',
  state: string,
  timeoutMs?: number,
) {
  return syncEventInState(stack.database.db, userId, kind, state, timeoutMs);
}

function replayAudits(syncEventId: string) {
  return replayAuditsOf(stack.database.db, syncEventId);
}

/**
 * The event as `GET sync-events/{id}` shows it once Temporal has closed its
 * workflow: a run records `failed` on its event as its last step, just before it closes.
 */
function shownOnceClosed(tenantId: string, syncEventId: string) {
  return eventually(async () => {
    const shown = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events/${syncEventId}`,
      admin(),
    );
    expect(shown.status).toBe(200);

    return shown.body.history?.status === 'RUNNING' ? undefined : shown;
  });
}

describe('failed sync events and their replay', () => {
  it('marks a deprovisioning failed with its error once retries run out, and completes it on replay after the fix', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scim.createUser('olu.adebayo@example.com');
    expect((await ssoLogin(stack, tenantId, 'olu.adebayo@example.com')).status).toBe(201);

    faults.sessionStoreDown = true;
    expect((await scim.setActive(userId, false)).status).toBe(200);
    const failed = await inState(userId, 'deprovision', 'failed', 60_000);
    expect(failed.last_error).toMatch(
      /^revokeSessions gave up after 8 attempts: Error: session store unreachable/,
    );
    // Transient, but SYNC_AUTO_REPLAY_MAX is 0 here: no automatic replay is owed.
    expect(failed).toMatchObject({ last_fault: 'transient', next_automatic_replay_at: null });
    const sessions = () =>
      stack.database.db
        .selectFrom('sessions')
        .select('revoked_at')
        .where('user_id', '=', userId)
        .execute();
    expect((await sessions()).map((session) => session.revoked_at)).toEqual([null]);

    const shown = await shownOnceClosed(tenantId, failed.id);
    expect(shown.body).toMatchObject({
      id: failed.id,
      state: 'failed',
      workflow_id: `deprovision/${tenantId}/${userId}/${failed.id}`,
      temporal_ui_url: `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(failed.workflow_id)}`,
      history: { status: 'FAILED', failure: expect.stringMatching(/session store unreachable/) },
    });
    const steps = shown.body.history.activities as Array<Record<string, unknown>>;
    expect(steps.find((step) => step.activity_type === 'markAccountInactive')).toMatchObject({
      state: 'completed',
      attempts: 1,
    });
    expect(steps.find((step) => step.activity_type === 'revokeSessions')).toMatchObject({
      summary: 'revoke sessions',
      state: 'failed',
      attempts: 8,
      last_failure: expect.stringMatching(/session store unreachable/),
    });

    faults.sessionStoreDown = false;
    const replay = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/sync-events/${failed.id}/replay`,
      {
        ...admin(),
        headers: { 'X-Bulwark-Actor': 'jane.doe@support' },
      },
    );
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({
      outcome: 'replayed',
      replayed: true,
      workflow_id: `${failed.workflow_id}/replay-1`,
    });
    const completed = await inState(userId, 'deprovision', 'completed');
    expect(completed).toMatchObject({
      workflow_id: `${failed.workflow_id}/replay-1`,
      last_error: null,
      attempts: 2,
    });
    expect((await sessions()).every((session) => session.revoked_at !== null)).toBe(true);

    const again = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/sync-events/${failed.id}/replay`,
      {
        ...admin(),
        body: { requested_by: 'jane.doe@support' },
      },
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      outcome: 'already_completed',
      replayed: false,
      detail: expect.stringMatching(/nothing was changed/),
    });
    expect(await syncEventOf(stack.database.db, userId, 'deprovision')).toEqual(completed);

    const audits = await replayAudits(failed.id);
    expect(
      audits.map((audit) => [audit.actor_type, audit.actor_id, audit.details.outcome]),
    ).toEqual([
      ['admin', 'jane.doe@support', 'replayed'],
      ['admin', 'jane.doe@support', 'already_completed'],
    ]);
    expect(audits[0]?.details).toMatchObject({
      previous_workflow_id: failed.workflow_id,
      last_error: failed.last_error,
    });
    const shownAfter = await shownOnceClosed(tenantId, failed.id);
    expect(
      shownAfter.body.workflow_runs.map((run: { workflow_id: string }) => run.workflow_id),
    ).toEqual([failed.workflow_id, `${failed.workflow_id}/replay-1`]);
    expect(shownAfter.body.history.status).toBe('COMPLETED');
  }, 120_000);

  it('fails role re-evaluations fast as TenantDisabled while SCIM is off, and replays each once after it is back', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const ada = await scim.createUser('ada.quist@example.com');
    const ben = await scim.createUser('ben.okoro@example.com');

    // No worker while the IdP deactivates both and an admin switches SCIM off: the workflows wait.
    await stack.worker?.stop();
    stack.worker = undefined;
    expect((await scim.setActive(ada, false)).status).toBe(200);
    expect((await scim.setActive(ben, false)).status).toBe(200);
    const disabled = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim:disable`,
      admin(),
    );
    expect(disabled.body).toMatchObject({ enabled: false, changed: true, tokens_revoked: 1 });
    stack.worker = await stack.startWorker();

    const adaFailed = await inState(ada, 'reevaluate_roles', 'failed');
    const benFailed = await inState(ben, 'reevaluate_roles', 'failed');
    expect(adaFailed.last_error).toMatch(
      /^reevaluateUsers failed permanently: TenantDisabled: SCIM is disabled/,
    );
    expect(adaFailed.last_fault).toBe('permanent');
    // Deprovisioning does not wait for SCIM: removing access is always allowed.
    await inState(ada, 'deprovision', 'completed');
    const shown = await shownOnceClosed(tenantId, adaFailed.id);
    expect(
      shown.body.history.activities.find(
        (step: { activity_type: string }) => step.activity_type === 'reevaluateUsers',
      ),
    ).toMatchObject({ attempts: 1, state: 'failed' });

    const listed = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events?state=failed&kind=reevaluate_roles`,
      admin(),
    );
    expect(listed.body.items.map((event: { id: string }) => event.id).sort()).toEqual(
      [adaFailed.id, benFailed.id].sort(),
    );

    const enabled = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim:enable`,
      admin(),
    );
    expect(enabled.status).toBe(201);
    const replays = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(stack, 'POST', `/admin/v1/tenants/${tenantId}/sync-events/${adaFailed.id}/replay`, {
          ...admin(),
          headers: { 'X-Bulwark-Actor': 'sam.support' },
        }),
      ),
    );
    expect(
      replays.map((replay) => replay.body.outcome).filter((outcome) => outcome === 'replayed'),
    ).toHaveLength(1);
    expect(
      replays.every((replay) => replay.body.workflow_id === `${adaFailed.workflow_id}/replay-1`),
    ).toBe(true);

    const bulk = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/sync-events/replay-failed`,
      {
        ...admin(),
        body: { requested_by: 'sam.support', kind: 'reevaluate_roles' },
      },
    );
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ replayed: 1, remaining: 0 });
    expect(
      bulk.body.results.map((result: { sync_event_id: string }) => result.sync_event_id),
    ).toEqual([benFailed.id]);

    expect((await inState(ada, 'reevaluate_roles', 'completed')).workflow_id).toBe(
      `${adaFailed.workflow_id}/replay-1`,
    );
    expect((await inState(ben, 'reevaluate_roles', 'completed')).workflow_id).toBe(
      `${benFailed.workflow_id}/replay-1`,
    );
    expect((await replayAudits(adaFailed.id)).map((audit) => audit.actor_id)).toEqual(
      Array(5).fill('sam.support'),
    );
    expect((await replayAudits(benFailed.id)).map((audit) => audit.details)).toEqual([
      expect.objectContaining({ bulk: true, outcome: 'replayed' }),
    ]);
  }, 120_000);

  it('lists the events of one user newest first, a page at a time, and refuses malformed filters', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scim.createUser('chen.wu@example.com');
    expect((await scim.setActive(userId, false)).status).toBe(200);
    await inState(userId, 'deprovision', 'completed');

    const first = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events?user=${userId}&limit=1`,
      admin(),
    );
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events?user=${userId}&limit=1&cursor=${first.body.next_cursor}`,
      admin(),
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    // The deprovisioning and the role re-evaluation the deactivation owes, newest first.
    const stored = await stack.database.db
      .selectFrom('sync_events')
      .select(['id', 'kind'])
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(stored.map((row) => row.kind)).toEqual(['reevaluate_roles', 'deprovision']);
    expect([...first.body.items, ...second.body.items].map((event) => event.id)).toEqual(
      stored.map((row) => row.id),
    );
    const byKind = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events?user=${userId}&kind=deprovision&state=completed`,
      admin(),
    );
    expect(byKind.body.items.map((event: { kind: string }) => event.kind)).toEqual(['deprovision']);

    const badState = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events?state=stuck`,
      admin(),
    );
    expect(badState.status).toBe(400);
    expect(badState.body).toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringMatching(/"state"/),
    });
    const badCursor = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/sync-events?cursor=bm9wZQ`,
      admin(),
    );
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.detail).toMatch(/cursor/);
    const other = await createScimTenant(stack, 'Other');
    const foreign = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${other.tenantId}/sync-events/${stored[0]?.id}`,
      admin(),
    );
    expect(foreign.status).toBe(404);
    const foreignReplay = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${other.tenantId}/sync-events/${stored[0]?.id}/replay`,
      admin(),
    );
    expect(foreignReplay.status).toBe(404);
  });

  it('re-evaluates every role of a tenant on demand, audited under who asked, and refuses while SCIM is off', async () => {
    const { tenantId } = await createScimTenant(stack);
    const started = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/roles/reevaluate`, {
      ...admin(),
      headers: { 'X-Bulwark-Actor': 'kim.ops' },
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      kind: 'reevaluate_roles',
      resource_type: 'Tenant',
      resource_id: tenantId,
    });
    await eventually(async () => {
      const row = await stack.database.db
        .selectFrom('sync_events')
        .select('state')
        .where('id', '=', started.body.id)
        .executeTakeFirstOrThrow();

      return row.state === 'completed' ? true : undefined;
    });
    const audit = await stack.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'roles.reevaluation_requested')
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(audit.map((row) => [row.actor_id, row.target_id])).toEqual([
      ['kim.ops', started.body.id],
    ]);

    await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim:disable`, admin());
    const refused = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/roles/reevaluate`,
      admin(),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/SCIM is disabled/);
    const badActor = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/roles/reevaluate`,
      {
        ...admin(),
        body: { requested_by: 'kim\u0007' },
      },
    );
    expect(badActor.status).toBe(400);
  });
});
