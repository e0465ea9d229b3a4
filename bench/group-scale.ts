/**
 * Group membership at scale, end to end over HTTP, on a fresh database:
 *
 * (a) one SCIM PATCH adding 10,000 members to a group mapped to a role:
 *     time to answer, and time until all 10,000 stored roles are settled;
 * (b) a group of 300,000 members (users and memberships bulk-inserted with
 *     SQL): PATCH adding one member, 200 times, p50 / p99, against the same
 *     in an empty group, first unmapped (the directory write alone), then
 *     with both groups mapped (the write plus starting a re-evaluation). A
 *     one-member add must cost the same whatever the group's size. Then (a)
 *     again in that tenant, and the mapping replacement and preview over it.
 *
 * Needs PostgreSQL and a Temporal server (`npm run bench` starts them).
 * BENCH_BULK_ADD, BENCH_GROUP_MEMBERS and BENCH_SINGLE_ADDS lower the sizes.
 */
import { sql } from 'kysely';
import type { Db } from '../src/db/database';
import { newId } from '../src/ids';
import type { BenchTenant, InProcessStack } from './lib/in-process-stack';
import { runInProcess, scimTenant } from './lib/in-process-stack';

const BULK_ADD = Number(process.env.BENCH_BULK_ADD ?? 10_000);
const GROUP_MEMBERS = Number(process.env.BENCH_GROUP_MEMBERS ?? 300_000);
const SINGLE_ADDS = Number(process.env.BENCH_SINGLE_ADDS ?? 200);
/** Rows per bulk insert: two array parameters, so no parameter limit applies. */
const INSERT_BATCH = 50_000;

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const progress = (line: string) => process.stderr.write(`  ${line}\n`);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const row = (label: string, figures: string) => console.log(`    ${label.padEnd(40)} ${figures}`);

function percentiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

  return `p50 ${ms(at(0.5))}  p99 ${ms(at(0.99))}  max ${ms(sorted.at(-1)!)}`;
}

async function createGroup(
  bench: InProcessStack,
  tenant: BenchTenant,
  displayName: string,
): Promise<string> {
  const body = { schemas: [GROUP_SCHEMA], displayName };

  return (await bench.call('POST', '/scim/v2/Groups', tenant.scimToken, body)).id;
}

type Mapping = Array<{ group_id: string; role: string }>;

function mapGroups(bench: InProcessStack, tenant: BenchTenant, mapping: Mapping) {
  const path = `/admin/v1/tenants/${tenant.tenantId}/scim/group-role-mapping`;
  const body = { group_role_mapping: mapping, default_role: null };

  return bench.call('PUT', path, bench.adminKey, body);
}

function addMembers(
  bench: InProcessStack,
  tenant: BenchTenant,
  groupId: string,
  userIds: string[],
) {
  return bench.call('PATCH', `/scim/v2/Groups/${groupId}`, tenant.scimToken, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'members', value: userIds.map((value) => ({ value })) }],
  });
}

/** Setup only: SCIM users straight into the table. */
async function insertUsers(db: Db, tenantId: string, count: number, label: string) {
  const ids = Array.from({ length: count }, () => newId('usr'));
  const resource = JSON.stringify({ schemas: [USER_SCHEMA] });
  for (let start = 0; start < count; start += INSERT_BATCH) {
    const batch = ids.slice(start, start + INSERT_BATCH);
    const names = batch.map((_, index) => `${label}.${start + index}@bench.example.com`);
    await sql`
      insert into users (id, tenant_id, user_name, active, source, resource)
      select id, ${tenantId}, name, true, 'scim', ${resource}::jsonb
      from unnest(${batch}::text[], ${names}::text[]) as t(id, name)`.execute(db);
    if (count > INSERT_BATCH) {
      progress(`${Math.min(start + INSERT_BATCH, count)}/${count} ${label} users inserted`);
    }
  }

  return ids;
}

async function insertMemberships(db: Db, tenantId: string, groupId: string, userIds: string[]) {
  for (let start = 0; start < userIds.length; start += INSERT_BATCH) {
    const batch = userIds.slice(start, start + INSERT_BATCH);
    await sql`
      insert into group_members (tenant_id, group_id, user_id)
      select ${tenantId}, ${groupId}, id from unnest(${batch}::text[]) as id`.execute(db);
    progress(`${Math.min(start + INSERT_BATCH, userIds.length)}/${userIds.length} memberships`);
  }
  await sql`analyze users`.execute(db);
  await sql`analyze group_members`.execute(db);
}

/** Waits until every sync event of the tenant has completed; throws on a failed one. */
async function settled(db: Db, tenantId: string): Promise<void> {
  for (;;) {
    const open = await db
      .selectFrom('sync_events')
      .select(['id', 'state', 'last_error'])
      .where('tenant_id', '=', tenantId)
      .where('state', '!=', 'completed')
      .execute();
    const failed = open.find((event) => event.state === 'failed');
    if (failed !== undefined) {
      throw new Error(`sync event ${failed.id} failed: ${failed.last_error}`);
    }
    if (open.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function countWithRole(db: Db, tenantId: string, role: 'member' | 'viewer', ids?: string[]) {
  let query = db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('role', '=', role);
  if (ids !== undefined) query = query.where('id', 'in', ids);

  return Number((await query.executeTakeFirstOrThrow()).count);
}

/** (a) One PATCH adding BULK_ADD members to a mapped group, in a tenant of just those users. */
async function bulkAdd(bench: InProcessStack): Promise<void> {
  const tenant = await scimTenant(bench, 'Bulk add');
  const users = await insertUsers(bench.db, tenant.tenantId, BULK_ADD, 'bulk');
  const group = await createGroup(bench, tenant, 'Engineering');
  await mapGroups(bench, tenant, [{ group_id: group, role: 'member' }]);
  await settled(bench.db, tenant.tenantId);
  progress(`(a) ${BULK_ADD} users and a group mapped to "member"; adding them in one PATCH`);

  const started = performance.now();
  await addMembers(bench, tenant, group, users);
  const answered = performance.now() - started;
  progress(`(a) PATCH answered in ${ms(answered)}; waiting for roles`);
  for (let last = 0; ; ) {
    const count = await countWithRole(bench.db, tenant.tenantId, 'member');
    if (count === BULK_ADD) break;
    if (count !== last) progress(`(a) ${count}/${BULK_ADD} roles settled`);
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const rolesSettled = performance.now() - started;
  await settled(bench.db, tenant.tenantId);
  const workflowDone = performance.now() - started;

  console.log(`(a) PATCH adding ${BULK_ADD} members to a group mapped to a role`);
  row('answered', ms(answered));
  row(`all ${BULK_ADD} roles settled`, ms(rolesSettled));
  row('re-evaluation workflow completed', ms(workflowDone));
}

/** (b) One-member adds to a group of GROUP_MEMBERS and to an empty one; then (a) again there. */
async function largeGroup(bench: InProcessStack): Promise<void> {
  const tenant = await scimTenant(bench, 'Large group');
  const big = await createGroup(bench, tenant, 'Everyone');
  const empty = await createGroup(bench, tenant, 'Newcomers');
  const bulk = await createGroup(bench, tenant, 'Contractors');
  progress(`(b) inserting ${GROUP_MEMBERS} users and their memberships`);
  const everyone = await insertUsers(bench.db, tenant.tenantId, GROUP_MEMBERS, 'everyone');
  await insertMemberships(bench.db, tenant.tenantId, big, everyone);
  const joiners = await insertUsers(bench.db, tenant.tenantId, 4 * SINGLE_ADDS, 'joiner');
  const contractors = await insertUsers(bench.db, tenant.tenantId, BULK_ADD, 'contractor');
  const tenantSize = GROUP_MEMBERS + 4 * SINGLE_ADDS + BULK_ADD;

  // Interleaved, so that background work weighs on both groups alike.
  const oneMemberAdds = async (series: string, from: number) => {
    const [toBig, toEmpty]: [number[], number[]] = [[], []];
    for (let index = 0; index < SINGLE_ADDS; index++) {
      let at = performance.now();
      await addMembers(bench, tenant, big, [joiners[from + 2 * index]!]);
      toBig.push(performance.now() - at);
      at = performance.now();
      await addMembers(bench, tenant, empty, [joiners[from + 2 * index + 1]!]);
      toEmpty.push(performance.now() - at);
      if ((index + 1) % 50 === 0) {
        progress(`(b) ${series}: ${index + 1}/${SINGLE_ADDS} adds per group`);
      }
    }

    return () => {
      row(`${series}, group of ${GROUP_MEMBERS}`, percentiles(toBig));
      row(`${series}, group starting empty`, percentiles(toEmpty));
    };
  };
  const unmapped = await oneMemberAdds('unmapped', 0);

  const mapStarted = performance.now();
  await mapGroups(bench, tenant, [
    { group_id: big, role: 'viewer' },
    { group_id: empty, role: 'viewer' },
    { group_id: bulk, role: 'member' },
  ]);
  await settled(bench.db, tenant.tenantId);
  const mapped = performance.now() - mapStarted;
  progress(`(b) mapping replacement re-evaluated ${tenantSize} users in ${ms(mapped)}`);

  const previewStarted = performance.now();
  const previewPath = `/admin/v1/tenants/${tenant.tenantId}/scim/group-role-mapping:preview`;
  const preview = await bench.call('POST', previewPath, bench.adminKey, {
    group_role_mapping: [{ group_id: big, role: 'member' }],
    default_role: null,
  });
  const previewed = performance.now() - previewStarted;

  const mappedAdds = await oneMemberAdds('mapped', 2 * SINGLE_ADDS);
  await settled(bench.db, tenant.tenantId);
  const viewers = await countWithRole(bench.db, tenant.tenantId, 'viewer', joiners);

  console.log(`(b) PATCH adding 1 member, ${SINGLE_ADDS} times per group, back to back`);
  unmapped();
  mappedAdds();
  row('joiners holding "viewer" after settling', `${viewers}/${4 * SINGLE_ADDS}`);

  progress(`(b) adding ${BULK_ADD} members in one PATCH in the tenant of ${tenantSize} users`);
  const bulkStarted = performance.now();
  await addMembers(bench, tenant, bulk, contractors);
  const bulkAnswered = performance.now() - bulkStarted;
  await settled(bench.db, tenant.tenantId);
  const bulkSettled = performance.now() - bulkStarted;
  const members = await countWithRole(bench.db, tenant.tenantId, 'member');

  console.log(`(a) again, in the tenant of ${tenantSize} users`);
  row('answered', ms(bulkAnswered));
  row(`all ${BULK_ADD} roles settled`, `${ms(bulkSettled)}  (${members} hold "member")`);
  console.log(`mapping over the tenant of ${tenantSize} users`);
  row('replacement, PUT → every role settled', ms(mapped));
  row('preview', `${ms(previewed)}  (${preview.total_changes} would change)`);
}

runInProcess(async (bench) => {
  console.log('group scale on a fresh database (api and worker in one process)');
  await bulkAdd(bench);
  await largeGroup(bench);
});
