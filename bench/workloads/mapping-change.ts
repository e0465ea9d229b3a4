import { inTransaction, runFloor } from '../lib/floor';
import type { Figure } from '../lib/report';
import { countWithRole, createGroup, insertMemberships, insertUsers, mapGroups, scimTenant, settled } from '../lib/seed';
import { progress, ticker } from '../lib/stats';
import type { Bench } from './bench';

/**
 * A group-to-role mapping replaced by an operator, so that every one of
 * `mappingUsers` users changes role: from the PUT until every role is
 * stored and the re-evaluation's sync event has completed. The floor is one
 * UPDATE that sets the new role from the memberships.
 */
export async function mappingChange(bench: Bench): Promise<Figure[]> {
  const { service, scale } = bench;
  const tenant = await scimTenant(service, 'Mapping bench');
  const group = await createGroup(service, tenant, 'Staff');
  progress(`inserting ${scale.mappingUsers} users in one group`);
  const users = await insertUsers(service.db, tenant.tenantId, 'staff', scale.mappingUsers);
  await insertMemberships(service.db, tenant.tenantId, group, users);
  await mapGroups(service, tenant, [{ group_id: group, role: 'viewer' }]);
  await settled(service.db, tenant.tenantId, 200);

  const started = performance.now();
  const stopTicker = ticker(5000, () => {
    countWithRole(service.db, tenant.tenantId, 'member').then(
      (count) => progress(`mapping change: ${count}/${scale.mappingUsers} roles changed`),
      () => undefined,
    );
  });
  await mapGroups(service, tenant, [{ group_id: group, role: 'member' }]);
  await settled(service.db, tenant.tenantId, 50);
  const seconds = (performance.now() - started) / 1000;
  stopTicker();
  const members = await countWithRole(service.db, tenant.tenantId, 'member');

  const floor = await runFloor({
    label: 'mapping floor',
    databaseUrl: service.databaseUrl,
    clients: 1,
    amount: 1,
    unit: (client) =>
      inTransaction(client, async () => {
        await client.query(
          `update users u set role = 'viewer', updated_at = now()
           from group_members m where m.user_id = u.id and m.group_id = $1 and u.tenant_id = $2`,
          [group, tenant.tenantId],
        );
      }),
  });

  return [
    {
      workload: `mapping change re-evaluating ${scale.mappingUsers.toLocaleString('en-US')} users`,
      metric: 'roles settled',
      unit: 's',
      ours: seconds,
      floor: floor.seconds,
      target: { op: '<', value: 30 },
      note: members === scale.mappingUsers ? undefined : `only ${members} hold the new role`,
    },
  ];
}
