import { randomBytes } from 'node:crypto';
import { newId } from '../../src/ids';
import { inTransaction, runFloor } from '../lib/floor';
import type { LoadResult } from '../lib/load';
import { runLoad, userBody } from '../lib/load';
import type { Figure } from '../lib/report';
import { scimTenant } from '../lib/seed';
import { cpuMsOf } from '../lib/service';
import type { Bench } from './bench';

const CONNECTIONS = 64;
const WORKLOAD = `POST /Users, ${CONNECTIONS} connections`;

/** Connection-local counters make every userName unique without coordination. */
function uniqueUser(prefix: string) {
  let sent = 0;

  return () => {
    const n = sent++;

    return userBody(`${prefix}.${n}@bench.example.com`, `${prefix}-${n}`);
  };
}

/**
 * RFC 7644 §3.3 creates as an IdP's first push sends them, 64 at a time;
 * each answer is durable (user and audit event committed). The floor runs
 * the same transaction with `pg`: the userName check, the user insert and
 * the audit insert.
 *
 * TODO(api): one api process is CPU-bound near 2 ms per POST (README,
 * Benchmarks); 2,000 req/s needs a process per core and fewer round trips.
 */
export async function postUsers(bench: Bench): Promise<Figure[]> {
  const { service, peer, scale } = bench;
  const tenant = await scimTenant(service, 'POST bench');
  const body = uniqueUser(`post-${randomBytes(3).toString('hex')}`);
  const cpuBefore = cpuMsOf(service.apiPid);
  const ours = await runLoad({
    label: 'POST /Users',
    baseUrl: service.baseUrl,
    token: tenant.scimToken,
    connections: CONNECTIONS,
    durationSeconds: scale.postSeconds,
    steps: [{ method: 'POST', build: () => ({ path: '/scim/v2/Users', body: body() }) }],
  }).result;
  const cpuPerRequest = (cpuMsOf(service.apiPid) - cpuBefore) / ours.requests;

  const resource = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] });
  const floor = await runFloor({
    label: 'POST floor',
    databaseUrl: service.databaseUrl,
    clients: CONNECTIONS,
    durationSeconds: scale.postSeconds,
    unit: (client, index) =>
      inTransaction(client, async () => {
        const userName = `floor.${index}@bench.example.com`;
        const id = newId('usr');
        await client.query(
          'select id from users where tenant_id = $1 and lower(user_name) = $2 and deleted_at is null',
          [tenant.tenantId, userName],
        );
        await client.query(
          `insert into users (id, tenant_id, user_name, external_id, active, source, resource)
           values ($1, $2, $3, $4, true, 'scim', $5) returning *`,
          [id, tenant.tenantId, userName, `floor-${index}`, resource],
        );
        await client.query(
          `insert into audit_events (id, tenant_id, actor_type, actor_id, action, target_type, target_id, details)
           values ($1, $2, 'scim', $2, 'scim.user.created', 'User', $3, '{}')
           on conflict (idempotency_key) do nothing`,
          [newId('evt'), tenant.tenantId, id],
        );
      }),
  });

  let theirs: LoadResult | undefined;
  if (peer !== undefined) {
    const peerBody = uniqueUser('peer-post');
    theirs = await runLoad({
      label: 'POST /Users (peer)',
      baseUrl: peer.baseUrl,
      token: peer.token,
      connections: CONNECTIONS,
      durationSeconds: scale.postSeconds,
      steps: [{ method: 'POST', build: () => ({ path: '/Users', body: peerBody() }) }],
    }).result;
  }
  const cpu = `api CPU ${cpuPerRequest.toFixed(2)} ms per request`;
  const note = ours.failures > 0 ? `${ours.failures} failed requests; ${cpu}` : cpu;

  return [
    {
      workload: WORKLOAD,
      metric: 'throughput',
      unit: 'req/s',
      ours: ours.perSecond,
      floor: floor.perSecond,
      peer: theirs?.perSecond,
      target: { op: '>=', value: 2000 },
      note,
    },
    {
      workload: WORKLOAD,
      metric: 'share of the floor',
      unit: '%',
      ours: (100 * ours.perSecond) / floor.perSecond,
      target: { op: '>=', value: 40 },
    },
    {
      workload: WORKLOAD,
      metric: 'p99 latency',
      unit: 'ms',
      ours: ours.latency.p99,
      floor: floor.latency.p99,
      peer: theirs?.latency.p99,
      target: { op: '<', value: 50 },
    },
  ];
}
