import pino from 'pino';
import { startApiServer } from '../../src/api-server';
import { workflowHistory } from '../../src/operations/workflow-history';
import { createScimTenant, eventually, request } from '../support/http';
import { TrafficLedger, createTrafficTargets, driveIdpTraffic } from '../support/idp-traffic';
import { checkNoLoss, settleSyncEvents } from '../support/no-loss';
import { PATCH_OP, USER_SCHEMA, auditActions } from '../support/scim-client';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { captureLogs } from '../support/log-capture';
import type { TcpProxy } from '../support/tcp-proxy';
import { startTcpProxy } from '../support/tcp-proxy';

/** Long enough for every pooled connection to fail and for IdP retries to pile up. */
const OUTAGE_MS = Number(process.env.PG_OUTAGE_SECONDS ?? 10) * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let proxy: TcpProxy;
let stack: TestStack;
const logs = captureLogs('error');

beforeAll(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  // The api and worker reach PostgreSQL through the proxy; the test's own checks do not.
  stack = await startStack({
    logger: logs.logger,
    databaseUrl: (url) => {
      const proxied = new URL(url);
      proxied.port = String(proxy.port);

      return proxied.toString();
    },
  });
}, 60_000);

afterAll(async () => {
  await proxy?.restore();
  await stack?.stop();
  await proxy?.close();
});

/** A user with a session and an agent token, in a tenant of its own (outside the traffic's ledger). */
async function userWithTokens(): Promise<{
  tenantId: string;
  scimToken: string;
  userId: string;
  tokens: string[];
}> {
  const { tenantId, scimToken } = await createScimTenant(stack, 'PG outage probe');
  const admin = { token: stack.adminApiKey };
  const user = await request(stack, 'POST', '/scim/v2/Users', {
    token: scimToken,
    body: { schemas: [USER_SCHEMA], userName: 'ines.probe@example.com', externalId: 'probe-1' },
  });
  const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
    ...admin,
    body: { subject: 'probe-1', email: 'ines.probe@example.com' },
  });
  const agent = await request(
    stack,
    'POST',
    `/auth/v1/tenants/${tenantId}/users/${user.body.id}/agent-tokens`,
    {
      ...admin,
      body: { name: 'probe' },
    },
  );
  expect([user.status, login.status, agent.status]).toEqual([201, 201, 201]);

  return {
    tenantId,
    scimToken,
    userId: user.body.id,
    tokens: [login.body.session_token, agent.body.token],
  };
}

describe('PostgreSQL unreachable under IdP load', () => {
  it(
    'answers 503 with a SCIM error and Retry-After while it is down, and loses nothing once it is back',
    async () => {
      const targets = await createTrafficTargets(stack.baseUrl, stack.adminApiKey, 'PG outage');
      const probe = await userWithTokens();
      const ledger = new TrafficLedger();
      let sending = true;
      const trafficStarted = Date.now();
      const traffic = driveIdpTraffic(targets, ledger, {
        lanes: 3,
        keepGoing: () => sending,
        giveUpAt: () => trafficStarted + OUTAGE_MS + 60_000,
        requestTimeoutMs: 10_000,
        maxRetryDelayMs: 500,
      });
      await sleep(3000);

      await proxy.cut();
      const cutAt = Date.now();
      const before = ledger.requests;
      const refused = await fetch(`${stack.baseUrl}/scim/v2/Users`, {
        headers: { Authorization: `Bearer ${probe.scimToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.json()).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '503',
        detail: expect.stringMatching(/retry/i),
      });
      // An api replica on the other side of the partition still reaches PostgreSQL: the
      // deprovisioning it commits must wait for the worker, which cannot, and then finish.
      const replica = await startApiServer(
        { ...stack.config, DATABASE_URL: stack.database.url, PORT: 0 },
        pino({ level: 'silent' }),
        { dispatcher: false },
      );
      const deactivated = await fetch(
        `http://127.0.0.1:${replica.port}/scim/v2/Users/${probe.userId}`,
        {
          method: 'PATCH',
          headers: {
            Authorization: `Bearer ${probe.scimToken}`,
            'Content-Type': 'application/scim+json',
          },
          body: JSON.stringify({
            schemas: [PATCH_OP],
            Operations: [{ op: 'replace', path: 'active', value: false }],
          }),
        },
      );
      expect(deactivated.status).toBe(200);
      await replica.stop();
      await sleep(OUTAGE_MS - (Date.now() - cutAt));
      const duringOutage = ledger.requests - before;
      await proxy.restore();

      // Recovery needs no restart: the same api and worker answer again.
      await eventually(
        async () => ((await fetch(`${stack.baseUrl}/readyz`)).status === 200 ? true : undefined),
        30_000,
        250,
      );
      await sleep(3000);
      sending = false;
      await traffic;

      const report = await checkNoLoss({
        db: stack.database.db,
        baseUrl: stack.baseUrl,
        adminApiKey: stack.adminApiKey,
        ledger,
        settleTimeoutMs: 90_000,
        temporal: stack.api.context.workflows.client,
      });
      expect(report.problems).toEqual([]);
      expect(ledger.readMismatches).toEqual([]);
      expect(report.counts.acknowledgedWrites).toBeGreaterThan(50);

      // The IdPs kept sending through the outage and were told to retry, never given a 500.
      expect(duringOutage).toBeGreaterThan(10);
      expect(ledger.notable.length).toBeGreaterThan(0);
      const notRetryable = ledger.notable.filter(
        (answer) =>
          answer.outcome !== 503 ||
          answer.retryAfter === null ||
          (answer.path.startsWith('/scim/') && !answer.scimErrorBody),
      );
      const logged = new Map(
        logs
          .records()
          .filter((record) => record.msg === 'request failed')
          .map((record) => [record.req?.id, record.err?.message]),
      );
      expect(
        notRetryable.map((answer) => ({ ...answer, logged: logged.get(answer.requestId) })),
      ).toEqual([]);

      // The probe's deprovisioning retried its first step through the outage, then finished once.
      const event = await stack.database.db
        .selectFrom('sync_events')
        .selectAll()
        .where('resource_id', '=', probe.userId)
        .where('kind', '=', 'deprovision')
        .executeTakeFirstOrThrow();
      const [settled] = await settleSyncEvents(stack.database.db, [probe.tenantId], 60_000);
      expect(settled).toBeUndefined();
      const history = await workflowHistory(stack.api.context.workflows.client, event.workflow_id);
      expect(history.available && history.run.activities[0]).toMatchObject({
        activity_type: 'markSyncEventRunning',
        state: 'completed',
        attempts: expect.any(Number),
      });
      expect(history.available && history.run.activities[0]!.attempts).toBeGreaterThan(1);
      expect(await auditActions(stack.database.db, probe.userId)).toEqual(
        expect.arrayContaining([
          'user.agent_tokens_revoked',
          'user.sessions_revoked',
          'user.deprovisioned',
        ]),
      );
      expect(
        (await auditActions(stack.database.db, probe.userId)).filter(
          (a) => a === 'user.deprovisioned',
        ),
      ).toHaveLength(1);
      for (const token of probe.tokens) {
        const introspected = await request(stack, 'POST', '/auth/v1/introspect', {
          token: stack.adminApiKey,
          body: { token },
        });
        expect(introspected.body).toEqual({ active: false });
      }
    },
    OUTAGE_MS + 150_000,
  );
});
