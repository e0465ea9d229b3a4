import type { PoolClient } from 'pg';
import { newId } from '../../src/ids';
import { inTransaction, runFloor } from '../lib/floor';
import type { LoadResult } from '../lib/load';
import { call, GROUP_SCHEMA, PATCH_OP, runLoad } from '../lib/load';
import type { Peer } from '../lib/peer';
import type { Figure } from '../lib/report';
import type { Tenant } from '../lib/seed';
import { countWithRole, createGroup, insertMemberships, insertUsers, mapGroups, scimTenant, settled } from '../lib/seed';
import { progress, sleep } from '../lib/stats';
import type { Bench } from './bench';

function addMembers(userIds: string[]) {
  return {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }],
  };
}

/** PATCH adding one member, `count` times back to back on one connection. */
function oneMemberAdds(label: string, baseUrl: string, token: string, path: string, userIds: string[]) {
  let next = 0;

  return runLoad({
    label,
    baseUrl,
    token,
    connections: 1,
    amount: userIds.length,
    steps: [{ method: 'PATCH', build: () => ({ path, body: addMembers([userIds[next++]!]) }) }],
  }).result;
}

/**
 * The writes of a member add, as the api makes them: the mapping read under
 * a share lock, the memberships, the group's version, the audit event and,
 * for a mapped group, the re-evaluation owed.
 */
async function floorAdd(client: PoolClient, tenant: Tenant, groupId: string, userIds: string[], mapped: boolean) {
  await inTransaction(client, async () => {
    await client.query('select group_role_mapping from scim_connections where tenant_id = $1 for share', [tenant.tenantId]);
    await client.query('select id from users where tenant_id = $1 and id = any($2::text[]) and deleted_at is null', [
      tenant.tenantId,
      userIds,
    ]);
    await client.query(
      `insert into group_members (tenant_id, group_id, user_id)
       select $1, $2, id from unnest($3::text[]) as id on conflict do nothing`,
      [tenant.tenantId, groupId, userIds],
    );
    await client.query('update groups set version = version + 1, updated_at = now() where id = $1 returning *', [groupId]);
    await client.query(
      `insert into audit_events (id, tenant_id, actor_type, action, target_type, target_id, details)
       values ($1, $2, 'scim', 'scim.group.updated', 'Group', $3, '{}')`,
      [newId('evt'), tenant.tenantId, groupId],
    );
    if (mapped) {
      const id = newId('sev');
      await client.query(
        `insert into sync_events (id, tenant_id, kind, resource_type, resource_id, workflow_id, state, payload)
         values ($1, $2, 'reevaluate_roles', 'Group', $3, $4, 'completed', $5) returning *`,
        [id, tenant.tenantId, groupId, `floor/${id}`, JSON.stringify({ userIds })],
      );
    }
  });
}

interface PeerFigures {
  oneAdd: LoadResult;
  bulkAnswered: number;
}

/** The peer does not check that members exist, so its group is filled with made-up ids. */
async function peerGroup(peer: Peer, members: number, singleAdds: number, bulkAdd: number): Promise<PeerFigures> {
  const create = (displayName: string) => call(peer.baseUrl, peer.token, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName });
  const big = (await create('Everyone')).id;
  for (let start = 0; start < members; start += 10_000) {
    const ids = Array.from({ length: Math.min(10_000, members - start) }, (_, index) => `m${start + index}`);
    await call(peer.baseUrl, peer.token, 'PATCH', `/Groups/${big}`, addMembers(ids));
    progress(`peer: ${start + ids.length}/${members} members`);
  }
  const joiners = Array.from({ length: singleAdds }, (_, index) => `j${index}`);
  const oneAdd = await oneMemberAdds('PATCH 1 member (peer)', peer.baseUrl, peer.token, `/Groups/${big}`, joiners);

  const bulk = (await create('Contractors')).id;
  const contractors = Array.from({ length: bulkAdd }, (_, index) => `c${index}`);
  const started = performance.now();
  await call(peer.baseUrl, peer.token, 'PATCH', `/Groups/${bulk}`, addMembers(contractors));

  return { oneAdd, bulkAnswered: performance.now() - started };
}

/**
 * Group membership at scale (what bench/group-scale.ts measured, folded in):
 * one-member adds to a group of `groupMembers`, unmapped and then mapped to
 * a role, and one PATCH adding `bulkAdd` members to a mapped group, to its
 * answer and until every role is stored.
 */
export async function groupMembers(bench: Bench): Promise<Figure[]> {
  const { service, peer, scale } = bench;
  const tenant = await scimTenant(service, 'Group bench');
  const big = await createGroup(service, tenant, 'Everyone');
  const bulk = await createGroup(service, tenant, 'Contractors');
  const floorBulk = await createGroup(service, tenant, 'Floor contractors');
  progress(`inserting ${scale.groupMembers} users and their memberships`);
  const everyone = await insertUsers(service.db, tenant.tenantId, 'everyone', scale.groupMembers);
  await insertMemberships(service.db, tenant.tenantId, big, everyone);
  const joiners = await insertUsers(service.db, tenant.tenantId, 'joiner', 4 * scale.singleAdds);
  const contractors = await insertUsers(service.db, tenant.tenantId, 'contractor', scale.bulkAdd);
  const floorContractors = await insertUsers(service.db, tenant.tenantId, 'floor-contractor', scale.bulkAdd);
  const path = `/scim/v2/Groups/${big}`;
  const [unmappedIds, mappedIds, floorUnmapped, floorMapped] = [0, 1, 2, 3].map((part) =>
    joiners.slice(part * scale.singleAdds, (part + 1) * scale.singleAdds),
  );

  const unmapped = await oneMemberAdds('PATCH 1 member, unmapped', service.baseUrl, tenant.scimToken, path, unmappedIds!);
  const floorAddsUnmapped = await runFloor({
    label: 'PATCH 1 member floor',
    databaseUrl: service.databaseUrl,
    clients: 1,
    amount: scale.singleAdds,
    unit: (client, index) => floorAdd(client, tenant, big, [floorUnmapped![index]!], false),
  });

  progress('mapping the groups to roles');
  await mapGroups(service, tenant, [
    { group_id: big, role: 'viewer' },
    { group_id: bulk, role: 'member' },
    { group_id: floorBulk, role: 'member' },
  ]);
  await settled(service.db, tenant.tenantId, 200);
  const mapped = await oneMemberAdds('PATCH 1 member, mapped', service.baseUrl, tenant.scimToken, path, mappedIds!);
  const floorAddsMapped = await runFloor({
    label: 'PATCH 1 member floor, mapped',
    databaseUrl: service.databaseUrl,
    clients: 1,
    amount: scale.singleAdds,
    unit: (client, index) => floorAdd(client, tenant, big, [floorMapped![index]!], true),
  });
  await settled(service.db, tenant.tenantId, 200);

  progress(`adding ${scale.bulkAdd} members in one PATCH`);
  const before = await countWithRole(service.db, tenant.tenantId, 'member');
  const started = performance.now();
  await call(service.baseUrl, tenant.scimToken, 'PATCH', `/scim/v2/Groups/${bulk}`, addMembers(contractors));
  const answered = performance.now() - started;
  while ((await countWithRole(service.db, tenant.tenantId, 'member')) < before + scale.bulkAdd) await sleep(20);
  const rolesSettled = performance.now() - started;
  await settled(service.db, tenant.tenantId);

  const floorBulkAdd = await runFloor({
    label: 'PATCH 10,000 members floor',
    databaseUrl: service.databaseUrl,
    clients: 1,
    amount: 1,
    unit: (client) => floorAdd(client, tenant, floorBulk, floorContractors, true),
  });
  const floorRoles = await runFloor({
    label: 'roles floor',
    databaseUrl: service.databaseUrl,
    clients: 1,
    amount: 1,
    unit: (client) =>
      inTransaction(client, async () => {
        await client.query(`update users set role = 'member', updated_at = now() where id = any($1::text[])`, [floorContractors]);
      }),
  });

  const theirs =
    peer === undefined
      ? undefined
      : await peerGroup(peer, scale.peerGroupMembers, scale.peerSingleAdds, scale.bulkAdd);
  const size = scale.groupMembers.toLocaleString('en-US');
  const adds = `${scale.singleAdds} back to back`;
  const peerNote = `group of ${scale.peerGroupMembers.toLocaleString('en-US')}, ${scale.peerSingleAdds} adds`;
  const bulkWorkload = `PATCH adding ${scale.bulkAdd.toLocaleString('en-US')} members, group mapped`;

  return [
    {
      workload: `PATCH adding 1 member to a group of ${size}, unmapped`,
      metric: 'p99 latency',
      unit: 'ms',
      ours: unmapped.latency.p99,
      floor: floorAddsUnmapped.latency.p99,
      peer: theirs?.oneAdd.latency.p99,
      peerNote,
      target: { op: '<', value: 20 },
      note: adds,
    },
    {
      workload: `PATCH adding 1 member to a group of ${size}, mapped to a role`,
      metric: 'p99 latency',
      unit: 'ms',
      ours: mapped.latency.p99,
      floor: floorAddsMapped.latency.p99,
      peer: theirs?.oneAdd.latency.p99,
      peerNote: `${peerNote}, no roles`,
      target: { op: '<', value: 20 },
      note: `${adds}; p50 ${mapped.latency.p50.toFixed(1)} ms`,
    },
    {
      workload: bulkWorkload,
      metric: 'time to answer',
      unit: 'ms',
      ours: answered,
      floor: floorBulkAdd.latency.max,
      peer: theirs?.bulkAnswered,
      target: { op: '<', value: 1000 },
    },
    {
      workload: bulkWorkload,
      metric: 'roles settled',
      unit: 's',
      ours: rolesSettled / 1000,
      floor: (floorBulkAdd.latency.max + floorRoles.latency.max) / 1000,
      target: { op: '<', value: 10 },
    },
  ];
}
