import { randomBytes } from 'node:crypto';
import { newId } from '../../src/ids';
import { inTransaction, runFloor } from '../lib/floor';
import type { LoadResult, Step } from '../lib/load';
import { runLoad, userBody } from '../lib/load';
import type { Figure } from '../lib/report';
import { scimTenant } from '../lib/seed';
import type { Bench } from './bench';

const CONNECTIONS = 32;

/**
 * Okta's import of a new user: look the userName up, and create it when
 * the lookup finds nobody. Each connection runs the pair in turn.
 */
function syncSteps(prefix: string, label: string): Step[] {
  let next = 0;

  return [
    {
      method: 'GET',
      build: (context) => {
        context.n = next++;
        const filter = encodeURIComponent(`userName eq "${label}.${context.n}@bench.example.com"`);

        return { path: `${prefix}/Users?filter=${filter}` };
      },
    },
    {
      method: 'POST',
      build: (context) => ({
        path: `${prefix}/Users`,
        body: userBody(`${label}.${context.n}@bench.example.com`, `${label}-${context.n}`),
      }),
    },
  ];
}

const answered = (status: number, body: string) =>
  status === 201 || (status === 200 && /"totalResults":\s?0/.test(body));

/** An initial sync of `syncUsers` into an empty tenant, 32 connections; the time it takes in all. */
export async function initialSync(bench: Bench): Promise<Figure[]> {
  const { service, peer, scale } = bench;
  const tenant = await scimTenant(service, 'Initial sync bench');
  const label = `sync-${randomBytes(3).toString('hex')}`;
  const ours = await runLoad({
    label: 'initial sync',
    baseUrl: service.baseUrl,
    token: tenant.scimToken,
    connections: CONNECTIONS,
    amount: 2 * scale.syncUsers,
    steps: syncSteps('/scim/v2', label),
    verify: answered,
  }).result;
  const created = await service.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenant.tenantId)
    .executeTakeFirstOrThrow();

  const resource = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] });
  const floor = await runFloor({
    label: 'initial sync floor',
    databaseUrl: service.databaseUrl,
    clients: CONNECTIONS,
    amount: scale.syncUsers,
    unit: async (client, index) => {
      const userName = `floor-sync.${index}@bench.example.com`;
      const lookup = 'select * from users where tenant_id = $1 and lower(user_name) = $2 and deleted_at is null';
      await client.query(lookup, [tenant.tenantId, userName]);
      await inTransaction(client, async () => {
        const id = newId('usr');
        await client.query(lookup, [tenant.tenantId, userName]);
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
      });
    },
  });

  let theirs: LoadResult | undefined;
  if (peer !== undefined) {
    theirs = await runLoad({
      label: 'initial sync (peer)',
      baseUrl: peer.baseUrl,
      token: peer.token,
      connections: CONNECTIONS,
      amount: 2 * scale.peerSyncUsers,
      steps: syncSteps('', 'peer-sync'),
      verify: answered,
    }).result;
  }
  const users = scale.syncUsers.toLocaleString('en-US');
  const problems = [
    ours.failures > 0 ? `${ours.failures} failed requests` : '',
    Number(created.count) !== scale.syncUsers ? `${created.count} users created` : '',
  ].filter((problem) => problem !== '');

  return [
    {
      workload: `initial sync of ${users} users (filter, then POST), ${CONNECTIONS} connections`,
      metric: 'time to sync all',
      unit: 's',
      ours: ours.seconds,
      floor: floor.seconds,
      // Scaled from a smaller sync: the peer is in memory, its cost per user does not grow with it.
      peer: theirs === undefined ? undefined : (theirs.seconds * scale.syncUsers) / scale.peerSyncUsers,
      peerNote: `${scale.peerSyncUsers.toLocaleString('en-US')} synced, scaled`,
      target: { op: '<', value: 120 },
      note: problems.length === 0 ? `p99 per request ${ours.latency.p99.toFixed(1)} ms` : problems.join('; '),
    },
  ];
}
