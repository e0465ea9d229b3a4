import { randomBytes } from 'node:crypto';
import { newId } from '../../src/ids';
import { hashSecret } from '../../src/secrets';
import { inTransaction, runFloor } from '../lib/floor';
import { call, runLoad, userBody } from '../lib/load';
import type { Figure } from '../lib/report';
import type { Tenant } from '../lib/seed';
import { insertUsers, scimTenant } from '../lib/seed';
import type { Service } from '../lib/service';
import { progress, sleep, summarize } from '../lib/stats';
import type { Bench } from './bench';

/** Writes per second another tenant's IdP keeps sending meanwhile. */
const BACKGROUND_RATE = 500;

interface Holder {
  userId: string;
  sessionToken: string;
  agentToken: string;
}

/** A SCIM user who signed in once and holds an agent token, all through the API. */
async function holder(service: Service, tenant: Tenant, n: number): Promise<Holder> {
  const userName = `leaver.${n}@bench.example.com`;
  const user = await call(service.baseUrl, tenant.scimToken, 'POST', '/scim/v2/Users', userBody(userName, `leaver-${n}`));
  const loginPath = `/auth/v1/tenants/${tenant.tenantId}/sso-logins`;
  const login = await call(service.baseUrl, service.adminKey, 'POST', loginPath, { subject: `leaver-${n}`, email: userName });
  const tokenPath = `/auth/v1/tenants/${tenant.tenantId}/users/${user.id}/agent-tokens`;
  const agent = await call(service.baseUrl, service.adminKey, 'POST', tokenPath, { name: 'bench' });

  return { userId: user.id, sessionToken: login.session_token, agentToken: agent.token };
}

async function inactive(service: Service, token: string): Promise<boolean> {
  const answer = await call(service.baseUrl, service.adminKey, 'POST', '/auth/v1/introspect', { token });

  return answer.active === false;
}

async function workflowCompleted(service: Service, userId: string): Promise<void> {
  for (;;) {
    const event = await service.db
      .selectFrom('sync_events')
      .select(['state', 'last_error'])
      .where('resource_id', '=', userId)
      .where('kind', '=', 'deprovision')
      .executeTakeFirst();
    if (event?.state === 'completed') return;
    if (event?.state === 'failed') throw new Error(`deprovisioning of ${userId} failed: ${event.last_error}`);
    await sleep(5);
  }
}

/** The floor of a DELETE: its transaction's writes, then the two introspection reads. */
async function floorRevocations(service: Service, tenant: Tenant, runs: number) {
  const users = await insertUsers(service.db, tenant.tenantId, 'floor-leaver', runs);
  const tokens = users.map(() => ({ session: randomBytes(32).toString('base64url'), agent: randomBytes(32).toString('base64url') }));
  for (const [index, userId] of users.entries()) {
    const base = { tenant_id: tenant.tenantId, user_id: userId };
    await service.db
      .insertInto('sessions')
      .values({ ...base, id: newId('ses'), token_hash: hashSecret(tokens[index]!.session), expires_at: new Date(Date.now() + 3_600_000) })
      .execute();
    await service.db
      .insertInto('agent_tokens')
      .values({ ...base, id: newId('agt'), name: 'floor', token_hash: hashSecret(tokens[index]!.agent) })
      .execute();
  }

  return runFloor({
    label: 'DELETE floor',
    databaseUrl: service.databaseUrl,
    clients: 1,
    amount: runs,
    unit: async (client, index) => {
      const userId = users[index]!;
      await inTransaction(client, async () => {
        await client.query('select * from users where tenant_id = $1 and id = $2 and deleted_at is null for update', [tenant.tenantId, userId]);
        await client.query(
          'update users set active = false, deleted_at = now(), updated_at = now(), version = version + 1 where id = $1',
          [userId],
        );
        await client.query('delete from group_members where user_id = $1', [userId]);
        await client.query(
          `insert into audit_events (id, tenant_id, actor_type, action, target_type, target_id, details)
           values ($1, $2, 'scim', 'scim.user.deleted', 'User', $3, '{}')`,
          [newId('evt'), tenant.tenantId, userId],
        );
        for (const kind of ['deprovision', 'reevaluate_roles']) {
          const id = newId('sev');
          await client.query(
            `insert into sync_events (id, tenant_id, kind, resource_type, resource_id, workflow_id, state)
             values ($1, $2, $3, 'User', $4, $5, 'completed') returning *`,
            [id, tenant.tenantId, kind, userId, `floor/${id}`],
          );
        }
      });
      await client.query(
        `select s.user_id from sessions s join users u on u.id = s.user_id
         where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now() and u.active and u.deleted_at is null`,
        [hashSecret(tokens[index]!.session)],
      );
      await client.query(
        `select a.user_id from agent_tokens a join users u on u.id = a.user_id
         where a.token_hash = $1 and a.revoked_at is null and u.active and u.deleted_at is null`,
        [hashSecret(tokens[index]!.agent)],
      );
    },
  });
}

/**
 * SCIM DELETE of a user who holds a session and an agent token, one after
 * another, while another tenant's IdP writes 500 users a second: until both
 * tokens introspect inactive, and until the deprovisioning workflow (mark,
 * revoke sessions, revoke agent tokens, audit) has completed.
 *
 * TODO(deprovision): the workflow runs six activities in sequence, thirteen
 * Temporal round trips; under load its p99 is far above 1 s (README, Benchmarks).
 */
export async function deprovision(bench: Bench): Promise<Figure[]> {
  const { service, scale } = bench;
  const tenant = await scimTenant(service, 'Deprovision bench');
  const busy = await scimTenant(service, 'Background writes');
  let written = 0;
  const background = runLoad({
    label: 'background writes',
    baseUrl: service.baseUrl,
    token: busy.scimToken,
    connections: 16,
    rate: BACKGROUND_RATE,
    durationSeconds: 3600,
    steps: [
      {
        method: 'POST',
        build: () => {
          const n = written++;

          return { path: '/scim/v2/Users', body: userBody(`busy.${n}@bench.example.com`, `busy-${n}`) };
        },
      },
    ],
  });

  const revoked: number[] = [];
  const completed: number[] = [];
  const answered: number[] = [];
  try {
    for (let run = 0; run < scale.deprovisionRuns; run++) {
      const leaver = await holder(service, tenant, run);
      const started = performance.now();
      // Tokens are presented while the DELETE is in flight: access ends when its write commits.
      const deleted = call(service.baseUrl, tenant.scimToken, 'DELETE', `/scim/v2/Users/${leaver.userId}`);
      for (;;) {
        const [session, agent] = await Promise.all([inactive(service, leaver.sessionToken), inactive(service, leaver.agentToken)]);
        if (session && agent) break;
      }
      revoked.push(performance.now() - started);
      await deleted;
      answered.push(performance.now() - started);
      await workflowCompleted(service, leaver.userId);
      completed.push(performance.now() - started);
      if ((run + 1) % 25 === 0) progress(`${run + 1}/${scale.deprovisionRuns} deprovisionings`);
    }
  } finally {
    background.stop();
  }
  const load = await background.result;
  const floor = await floorRevocations(service, tenant, scale.deprovisionRuns);
  const inactiveAt = summarize(revoked);
  const completedAt = summarize(completed);
  const workload = `DELETE of a user, ${scale.deprovisionRuns} one after another, under ${BACKGROUND_RATE} writes/s`;
  const backgroundNote = `background ran ${load.perSecond.toFixed(0)} writes/s, p99 ${load.latency.p99.toFixed(1)} ms`;

  return [
    {
      workload,
      metric: 'session and agent token inactive, p99',
      unit: 'ms',
      ours: inactiveAt.p99,
      floor: floor.latency.p99,
      target: { op: '<', value: 100 },
      note: `p50 ${inactiveAt.p50.toFixed(1)} ms; DELETE answered p99 ${summarize(answered).p99.toFixed(1)} ms; ${backgroundNote}`,
    },
    {
      workload,
      metric: 'deprovisioning workflow completed, p99',
      unit: 'ms',
      ours: completedAt.p99,
      target: { op: '<', value: 1000 },
      note: `p50 ${completedAt.p50.toFixed(1)} ms`,
    },
  ];
}
