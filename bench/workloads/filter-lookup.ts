import { runFloor } from '../lib/floor';
import type { LoadResult } from '../lib/load';
import { runLoad } from '../lib/load';
import { loadPeerUsers } from '../lib/peer';
import type { Figure } from '../lib/report';
import { insertUsers, scimTenant } from '../lib/seed';
import { progress } from '../lib/stats';
import { cpuMsOf } from '../lib/service';
import type { Bench } from './bench';

/** An IdP looks users up one by one before it writes; a few lookups at a time. */
const CONNECTIONS = 8;

function lookupPath(prefix: string, label: string, population: number): string {
  const name = `${label}.${Math.floor(Math.random() * population)}@bench.example.com`;

  return `${prefix}/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`;
}

const found = (status: number, body: string) => status === 200 && body.includes('"totalResults":1');

/**
 * RFC 7644 §3.4.2.2 `filter=userName eq "…"` on random existing users of a
 * tenant of `filterUsers` (inserted with SQL for setup). The floor is the
 * one indexed read that answers it.
 */
export async function filterLookup(bench: Bench): Promise<Figure[]> {
  const { service, peer, scale } = bench;
  const tenant = await scimTenant(service, 'Filter bench');
  progress(`inserting ${scale.filterUsers} users for the filter lookups`);
  await insertUsers(service.db, tenant.tenantId, 'filter', scale.filterUsers);

  const cpuBefore = cpuMsOf(service.apiPid);
  const ours = await runLoad({
    label: 'filter userName eq',
    baseUrl: service.baseUrl,
    token: tenant.scimToken,
    connections: CONNECTIONS,
    durationSeconds: scale.filterSeconds,
    steps: [{ method: 'GET', build: () => ({ path: lookupPath('/scim/v2', 'filter', scale.filterUsers) }) }],
    verify: found,
  }).result;
  const cpuPerRequest = (cpuMsOf(service.apiPid) - cpuBefore) / ours.requests;

  const floor = await runFloor({
    label: 'filter floor',
    databaseUrl: service.databaseUrl,
    clients: CONNECTIONS,
    durationSeconds: scale.filterSeconds,
    unit: async (client) => {
      const name = `filter.${Math.floor(Math.random() * scale.filterUsers)}@bench.example.com`;
      await client.query(
        'select * from users where tenant_id = $1 and lower(user_name) = $2 and deleted_at is null',
        [tenant.tenantId, name],
      );
    },
  });

  let theirs: LoadResult | undefined;
  if (peer !== undefined) {
    progress(`loading ${scale.peerFilterUsers} users into the peer`);
    await loadPeerUsers(peer, 'filter', scale.peerFilterUsers);
    theirs = await runLoad({
      label: 'filter userName eq (peer)',
      baseUrl: peer.baseUrl,
      token: peer.token,
      connections: CONNECTIONS,
      durationSeconds: scale.filterSeconds,
      steps: [{ method: 'GET', build: () => ({ path: lookupPath('', 'filter', scale.peerFilterUsers) }) }],
      verify: (status, body) => status === 200 && body.includes('"totalResults": 1'),
    }).result;
  }
  const workload = `filter userName eq, ${scale.filterUsers.toLocaleString('en-US')} users, ${CONNECTIONS} connections`;
  const peerNote = `${scale.peerFilterUsers.toLocaleString('en-US')} users`;
  const cpu = `api CPU ${cpuPerRequest.toFixed(2)} ms per request`;
  const note = ours.failures > 0 ? `${ours.failures} lookups failed; ${cpu}` : cpu;

  return [
    {
      workload,
      metric: 'p99 latency',
      unit: 'ms',
      ours: ours.latency.p99,
      floor: floor.latency.p99,
      peer: theirs?.latency.p99,
      peerNote,
      target: { op: '<', value: 5 },
      note,
    },
    {
      workload,
      metric: 'throughput',
      unit: 'req/s',
      ours: ours.perSecond,
      floor: floor.perSecond,
      peer: theirs?.perSecond,
      peerNote,
    },
  ];
}
