import { sql } from 'kysely';
import type { TestDatabase } from '../support/test-database';
import { createTestDatabase } from '../support/test-database';

/**
 * Query plans in a tenant the size of a large customer's directory. A
 * `userName eq` lookup (RFC 7644 §3.4.2.2, how Okta and Entra find a user
 * before writing) must read one entry of the userName index, whatever the
 * tenant's size; a plan that walks the primary key in id order reads every
 * user of the tenant instead (1.3 s among 1,000,000 in bench/suite.ts).
 */

const TENANT = 'ten_large';
const USERS = 200_000;

let database: TestDatabase;

/** The shape of a list page with a userName filter, as src/scim/search/find-page.ts builds it. */
function pageQuery(userName: string) {
  return sql`
    select scim_match.scim_id from (
      select 'User'::text as scim_type, users.id as scim_id, null::text as scim_sort
      from users
      where users.tenant_id = ${TENANT} and users.deleted_at is null
        and (lower(users.user_name) = lower(${userName}::text))
    ) as scim_match
    order by scim_match.scim_id asc limit 100 offset 0`;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function indexesOf(node: PlanNode): string[] {
  const own = node['Index Name'] === undefined ? [] : [node['Index Name']];

  return [...own, ...(node.Plans ?? []).flatMap(indexesOf)];
}

beforeAll(async () => {
  database = await createTestDatabase();
  await sql`insert into tenants (id, name) values (${TENANT}, 'Large')`.execute(database.db);
  await sql`
    insert into users (id, tenant_id, user_name, active, source, resource)
    select 'usr_' || lpad(n::text, 26, '0'), ${TENANT}, 'person.' || n || '@example.com', true, 'scim', '{}'
    from generate_series(1, ${USERS}) as n`.execute(database.db);
  await sql`analyze users`.execute(database.db);
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

test('a userName eq lookup among 200,000 users reads the userName index, not every user', async () => {
  const explained = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>`
    explain (format json) ${pageQuery('Person.123456@Example.com')}`.execute(database.db);
  const plan = explained.rows[0]!['QUERY PLAN'][0]!.Plan;

  expect(indexesOf(plan)).toEqual(['users_tenant_user_name']);
});

test('the lookup finds the one user whatever the case of the userName sent', async () => {
  const found = await pageQuery('PERSON.123456@example.COM').execute(database.db);

  expect(found.rows).toEqual([{ scim_id: `usr_${'123456'.padStart(26, '0')}` }]);
});
