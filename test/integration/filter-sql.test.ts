import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Client, Pool } from 'pg';
import type { RawBuilder, SqlBool } from 'kysely';
import type { FilterNode } from '../../src/scim/filter/ast';
import type { FilterTarget } from '../../src/scim/filter/to-sql';
import { up as createDirectoryTables } from '../../src/db/migrations/0001-directory';
import { ScimError } from '../../src/scim/errors';
import { matchesFilter } from '../../src/scim/filter/evaluate';
import { parseFilter } from '../../src/scim/filter/parser';
import {
  compileFilter,
  compileSortKey,
  groupFilterTarget,
  userFilterTarget,
} from '../../src/scim/filter/to-sql';
import { commonAttributes } from '../../src/scim/schemas/common';
import { userSchema } from '../../src/scim/schemas/user';
import { scimErrorOf } from '../support/scim-errors';

/**
 * Runs compiled filters against a real PostgreSQL: a database of this
 * file's own, holding the tables of migration 0001 and a handful of users
 * and groups chosen to tell correct semantics from nearly correct ones.
 */

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const TENANT = 't1';

const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseName = `filter_sql_test_${randomBytes(6).toString('hex')}`;

interface SeedUser {
  id: string;
  tenant?: string;
  userName: string;
  externalId?: string;
  active: boolean;
  version?: number;
  created: string;
  deleted?: boolean;
  /** The `resource` jsonb: every attribute without a column of its own. */
  resource: Record<string, unknown>;
}

const users: SeedUser[] = [
  {
    id: 'u1',
    userName: 'BJensen',
    externalId: 'ext-1',
    active: true,
    version: 3,
    created: '2020-01-01T00:00:00Z',
    resource: {
      displayName: 'Babs Jensen',
      title: 'Tour Guide',
      name: { givenName: 'Barbara', familyName: "O'Malley" },
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@home.org', type: 'home' },
      ],
      [ENTERPRISE]: { department: 'Sales', manager: { value: 'u2' } },
    },
  },
  {
    id: 'u2',
    userName: 'jsmith',
    active: false,
    created: '2021-06-15T12:30:00.123456Z',
    resource: {
      displayName: '100% Real_Name',
      title: '',
      emails: [
        { value: 'a-first@home.example.com', type: 'home' },
        { value: 'js2@example.com', type: 'work', primary: true },
      ],
      [ENTERPRISE]: { department: "R&D'; drop table users;--" },
    },
  },
  {
    id: 'u3',
    userName: 'back\\slash',
    active: true,
    created: '2022-03-01T08:00:00Z',
    resource: { nickName: "it's", name: { familyName: 'Adams' } },
  },
  {
    id: 'u4',
    userName: 'percent%user',
    active: true,
    created: '2023-01-01T00:00:00Z',
    resource: { displayName: 'Under_score', emails: [], name: { familyName: 'zed' } },
  },
  {
    id: 'u5',
    userName: 'ghost',
    active: false,
    created: '2023-01-01T00:00:00Z',
    deleted: true,
    resource: { displayName: 'Ghost' },
  },
  {
    id: 'other-tenant-user',
    tenant: 't2',
    userName: 'bjensen',
    active: true,
    created: '2020-01-01T00:00:00Z',
    resource: { displayName: 'Babs Jensen' },
  },
];
const liveUserIds = ['u1', 'u2', 'u3', 'u4'];

const groups = [
  { id: 'g1', displayName: 'Admins', externalId: 'ext-admins', members: ['u1', 'u5'] },
  { id: 'g2', displayName: 'Engineering', members: ['u1', 'u2'] },
  { id: 'g3', displayName: 'Support_Team', members: ['u3'] },
  { id: 'g4', displayName: 'Empty', members: [] as string[] },
];
const groupIds = groups.map((group) => group.id);

let db: Kysely<any>;

async function onServer(statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await onServer(`create database ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new Pool({ connectionString: url.toString(), max: 2 }) }),
  });
  await createDirectoryTables(db);

  await db
    .insertInto('tenants')
    .values([
      { id: 't1', name: 'One' },
      { id: 't2', name: 'Two' },
    ])
    .execute();
  await db
    .insertInto('users')
    .values(
      users.map((user) => ({
        id: user.id,
        tenant_id: user.tenant ?? TENANT,
        user_name: user.userName,
        external_id: user.externalId ?? null,
        active: user.active,
        source: 'scim',
        resource: JSON.stringify(user.resource),
        version: user.version ?? 1,
        created_at: user.created,
        updated_at: user.created,
        deleted_at: user.deleted === true ? '2024-01-01T00:00:00Z' : null,
      })),
    )
    .execute();
  await db
    .insertInto('groups')
    .values(
      groups.map((group) => ({
        id: group.id,
        tenant_id: TENANT,
        display_name: group.displayName,
        external_id: group.externalId ?? null,
      })),
    )
    .execute();
  await db
    .insertInto('group_members')
    .values(
      groups.flatMap((group) =>
        group.members.map((userId) => ({ tenant_id: TENANT, group_id: group.id, user_id: userId })),
      ),
    )
    .execute();
});

afterAll(async () => {
  await db?.destroy();
  await onServer(`drop database if exists ${databaseName} with (force)`);
});

/** The live users of tenant t1 that `condition` selects, by id. */
async function selectUsers(condition: RawBuilder<SqlBool>): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', TENANT)
    .where('deleted_at', 'is', null)
    .where(condition)
    .orderBy('id')
    .execute();

  return rows.map((row) => row.id as string);
}

const userIds = (filter: string) =>
  selectUsers(compileFilter(parseFilter(filter), userFilterTarget('users')));

async function groupIdsOf(filter: string): Promise<string[]> {
  const rows = await db
    .selectFrom('groups')
    .select('id')
    .where('tenant_id', '=', TENANT)
    .where(compileFilter(parseFilter(filter), groupFilterTarget('groups')))
    .orderBy('id')
    .execute();

  return rows.map((row) => row.id as string);
}

const userFilterError = (filter: string) =>
  scimErrorOf(() => compileFilter(parseFilter(filter), userFilterTarget('users')));

describe('compileFilter on Users', () => {
  it('matches userName case-insensitively', async () => {
    expect(await userIds('userName eq "bjensen"')).toEqual(['u1']);
    expect(await userIds('userName eq "BJENSEN"')).toEqual(['u1']);
  });

  it('matches attribute names and operators in any letter case', async () => {
    expect(await userIds('USERNAME Eq "bjensen"')).toEqual(['u1']);
    expect(await userIds('DisplayName CO "jensen" AND Active EQ True')).toEqual(['u1']);
  });

  it('matches id and externalId exactly, as they are caseExact', async () => {
    expect(await userIds('id eq "u1"')).toEqual(['u1']);
    expect(await userIds('id eq "U1"')).toEqual([]);
    expect(await userIds('externalId eq "ext-1"')).toEqual(['u1']);
    expect(await userIds('externalId eq "EXT-1"')).toEqual([]);
    expect(await userIds('externalId sw "ext"')).toEqual(['u1']);
  });

  it('accepts URN-qualified core and extension attributes', async () => {
    expect(await userIds(`${CORE_USER}:userName eq "jsmith"`)).toEqual(['u2']);
    expect(await userIds(`${ENTERPRISE}:department eq "sales"`)).toEqual(['u1']);
    expect(await userIds(`${ENTERPRISE.toUpperCase()}:Department sw "SAL"`)).toEqual(['u1']);
    expect(await userIds(`${ENTERPRISE}:manager.value eq "u2"`)).toEqual(['u1']);
    expect(await userIds(`${ENTERPRISE}:manager pr`)).toEqual(['u1']);
    expect(await userIds(`${ENTERPRISE}:manager[value eq "u2"]`)).toEqual(['u1']);
  });

  it('matches SQL metacharacters in values literally', async () => {
    expect(await userIds('name.familyName eq "o\'malley"')).toEqual(['u1']);
    expect(await userIds('nickName eq "it\'s"')).toEqual(['u3']);
    expect(await userIds('displayName co "%"')).toEqual(['u2']);
    expect(await userIds('userName co "%"')).toEqual(['u4']);
    expect(await userIds('displayName co "_"')).toEqual(['u2', 'u4']);
    expect(await userIds('userName co "\\\\"')).toEqual(['u3']);
    expect(await userIds('userName eq "back\\\\slash"')).toEqual(['u3']);
    expect(await userIds('userName sw "back\\\\"')).toEqual(['u3']);
    expect(await userIds(`${ENTERPRISE}:department ew ";--"`)).toEqual(['u2']);
    expect(await userIds(`${ENTERPRISE}:department eq "R&D'; drop table users;--"`)).toEqual([
      'u2',
    ]);
    expect(await userIds('nickName co "\'"')).toEqual(['u3']);
    expect(await userIds('userName co "x%"')).toEqual([]);
  });

  it('sends values as bound parameters, never in the statement text', () => {
    const hostile = "'; drop table users;-- %_\\";
    const query = db
      .selectFrom('users')
      .select('id')
      .where(
        compileFilter(
          parseFilter(`displayName eq ${JSON.stringify(hostile)}`),
          userFilterTarget('users'),
        ),
      )
      .compile();
    expect(query.sql).not.toContain('drop table');
    expect(query.parameters).toContain(hostile);
  });

  it('uses the lower(user_name) index for userName eq', async () => {
    const plan = await db.connection().execute(async (connection) => {
      await sql`set enable_seqscan = off`.execute(connection);
      const condition = compileFilter(
        parseFilter('userName eq "bjensen"'),
        userFilterTarget('users'),
      );
      const query = connection
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', TENANT)
        .where('deleted_at', 'is', null)
        .where(condition)
        .compile();
      const result = await connection.executeQuery({ ...query, sql: `explain ${query.sql}` });
      await sql`reset enable_seqscan`.execute(connection);

      return result.rows.map((row) => Object.values(row as object).join(' ')).join('\n');
    });
    expect(plan).toContain('users_tenant_user_name');
  });

  it('matches pr only for values that are there and not empty', async () => {
    expect(await userIds('title pr')).toEqual(['u1']);
    expect(await userIds('externalId pr')).toEqual(['u1']);
    expect(await userIds('name pr')).toEqual(['u1', 'u3', 'u4']);
    expect(await userIds('emails pr')).toEqual(['u1', 'u2']);
    expect(await userIds('name.givenName pr')).toEqual(['u1']);
    expect(await userIds('userName pr')).toEqual(liveUserIds);
    expect(await userIds('meta pr')).toEqual(liveUserIds);
  });

  it('makes not the exact complement, including for absent values', async () => {
    expect(await userIds('not (title pr)')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('not (title eq "tour guide")')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('not (name.givenName sw "b")')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('not (externalId eq "ext-1")')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('not (not (externalId eq "ext-1"))')).toEqual(['u1']);
  });

  it('lets ne match resources without the attribute', async () => {
    expect(await userIds('title ne "Tour Guide"')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('externalId ne "ext-1"')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds(`${ENTERPRISE}:department ne "sales"`)).toEqual(['u2', 'u3', 'u4']);
  });

  it('reads eq null as not present and ne null as present', async () => {
    expect(await userIds('externalId eq null')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('externalId ne null')).toEqual(['u1']);
    expect(await userIds('title eq null')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('emails eq null')).toEqual(['u3', 'u4']);
  });

  it('matches a multi-valued attribute when any of its values matches', async () => {
    expect(await userIds('emails.type eq "work"')).toEqual(['u1', 'u2']);
    expect(await userIds('emails.value ew "@home.org"')).toEqual(['u1']);
    expect(await userIds('emails.primary eq true')).toEqual(['u1', 'u2']);
  });

  it('reads a comparison on a multi-valued attribute as one on its value sub-attribute', async () => {
    expect(await userIds('emails co "example.com"')).toEqual(['u1', 'u2']);
    expect(await userIds('emails eq "babs@home.org"')).toEqual(['u1']);
  });

  it('lets ne on a multi-valued attribute match any differing value, or no values', async () => {
    expect(await userIds('emails.type ne "home"')).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(await userIds('not (emails.type eq "home")')).toEqual(['u3', 'u4']);
  });

  it('applies all conditions of a value path to the same element', async () => {
    expect(await userIds('emails[type eq "work" and value sw "a-"]')).toEqual([]);
    expect(await userIds('emails.type eq "work" and emails.value sw "a-"')).toEqual(['u2']);
    expect(await userIds('emails[type eq "home" and value sw "a-"]')).toEqual(['u2']);
    expect(await userIds('emails[type eq "work"].value sw "a-"')).toEqual([]);
    expect(await userIds('emails[type eq "home"].value sw "a-"')).toEqual(['u2']);
    expect(await userIds('emails[TYPE eq "work" and not (value co "2")]')).toEqual(['u1']);
    expect(await userIds('emails[type eq "work" or value co "home"] and active eq true')).toEqual([
      'u1',
    ]);
    expect(await userIds('name[givenName eq "barbara" or familyName eq "adams"]')).toEqual([
      'u1',
      'u3',
    ]);
  });

  it('binds and tighter than or, and honours parentheses and not', async () => {
    expect(
      await userIds('userName eq "bjensen" or userName eq "jsmith" and active eq true'),
    ).toEqual(['u1']);
    expect(
      await userIds('(userName eq "bjensen" or userName eq "jsmith") and active eq false'),
    ).toEqual(['u2']);
    expect(await userIds('active eq true and not (userName eq "bjensen" or emails pr)')).toEqual([
      'u3',
      'u4',
    ]);
  });

  it('compares booleans', async () => {
    expect(await userIds('active eq false')).toEqual(['u2']);
    expect(await userIds('active ne false')).toEqual(['u1', 'u3', 'u4']);
  });

  it('reads the strings "True" and "False" as booleans, in any letter case, as Entra writes them', async () => {
    expect(await userIds('active eq "False"')).toEqual(['u2']);
    expect(await userIds('active ne "FALSE"')).toEqual(['u1', 'u3', 'u4']);
    expect(await userIds('active eq "true"')).toEqual(await userIds('active eq true'));
  });

  it('compares dates chronologically, at millisecond precision, in any time zone', async () => {
    expect(await userIds('meta.created gt "2021-06-15T12:30:00Z"')).toEqual(['u2', 'u3', 'u4']);
    expect(await userIds('meta.created eq "2021-06-15T12:30:00.123Z"')).toEqual(['u2']);
    expect(await userIds('meta.created eq "2021-06-15T14:30:00.123+02:00"')).toEqual(['u2']);
    expect(await userIds('meta.created lt "2021-06-15T12:30:00.123Z"')).toEqual(['u1']);
    expect(await userIds('meta.created le "2021-06-15T12:30:00.123Z"')).toEqual(['u1', 'u2']);
    expect(await userIds('meta.lastModified ge "2022-03-01T08:00:00Z"')).toEqual(['u3', 'u4']);
    expect(await userIds('meta.created ne "2020-01-01T00:00:00Z"')).toEqual(['u2', 'u3', 'u4']);
  });

  it('filters on meta.resourceType and meta.version', async () => {
    expect(await userIds('meta.resourceType eq "User"')).toEqual(liveUserIds);
    expect(await userIds('meta.resourceType eq "Group"')).toEqual([]);
    expect(await userIds('meta.version eq "W/\\"3\\""')).toEqual(['u1']);
    expect(
      await userIds('meta[version eq "W/\\"1\\"" and created lt "2021-01-01T00:00:00Z"]'),
    ).toEqual([]);
  });

  it('filters on group membership through groups, groups.value and groups.display', async () => {
    expect(await userIds('groups eq "g1"')).toEqual(['u1']);
    expect(await userIds('groups.value eq "g2"')).toEqual(['u1', 'u2']);
    expect(await userIds('groups.display eq "admins"')).toEqual(['u1']);
    expect(await userIds('groups.display co "_"')).toEqual(['u3']);
    expect(await userIds('groups pr')).toEqual(['u1', 'u2', 'u3']);
    expect(await userIds('not (groups pr)')).toEqual(['u4']);
    expect(await userIds('groups[value eq "g2" and display sw "eng"]')).toEqual(['u1', 'u2']);
    expect(await userIds('groups.type eq "direct"')).toEqual(['u1', 'u2', 'u3']);
    expect(await userIds('groups.value ne "g2"')).toEqual(['u1', 'u3', 'u4']);
  });

  describe('refuses filters that cannot be answered, with invalidFilter', () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'an unknown attribute',
        'shoeSize eq "9"',
        /Unknown attribute "shoeSize": the User resource has no such attribute/,
      ],
      ['an unknown sub-attribute', 'name.nickname eq "x"', /Unknown attribute "name.nickname"/],
      [
        'an attribute of a foreign schema',
        'urn:example:Foo:department eq "x"',
        /Unknown attribute "urn:example:Foo:department"/,
      ],
      [
        'an unknown name inside brackets',
        'emails[colour eq "red"]',
        /Unknown attribute "colour" inside "emails\[\.\.\.\]"/,
      ],
      ['the password', 'password eq "hunter2"', /"password" cannot be used here/],
      [
        'meta.location',
        'meta.location eq "https://x"',
        /"meta.location" cannot be used here: it is derived from the request URL/,
      ],
      ['groups.$ref', 'groups.$ref pr', /"groups.\$ref" cannot be used here/],
      [
        'gt on a boolean',
        'active gt true',
        /"active" is a boolean attribute; only "eq" and "ne" apply to it, not "gt"/,
      ],
      [
        'a string against a boolean',
        'active eq "yes"',
        /"active" is a boolean attribute; compare it with true or false, not "yes"/,
      ],
      [
        'a number against a string',
        'userName eq 5',
        /"userName" is a string attribute; compare it with a "double-quoted string", not 5/,
      ],
      ['a boolean against a string', 'title eq true', /"title" is a string attribute/],
      [
        'a date that is not one',
        'meta.created gt "last tuesday"',
        /"meta.created" is a dateTime attribute; .* not "last tuesday"/,
      ],
      [
        'an impossible date',
        'meta.created gt "2021-02-30T00:00:00Z"',
        /"meta.created" is a dateTime attribute/,
      ],
      ['co on a date', 'meta.created co "2021"', /"co" applies to strings only/],
      ['null with co', 'title co null', /null can only be used with eq .* or ne/],
      [
        'a comparison on a complex attribute',
        'name eq "Babs"',
        /"name" is a complex attribute and cannot be compared as a whole; .* e.g. name.formatted/,
      ],
      [
        'a multi-valued attribute with no value sub-attribute',
        'addresses eq "x"',
        /"addresses" is a complex attribute/,
      ],
      [
        'a value path on a simple attribute',
        'userName[value eq "x"]',
        /"userName\[\.\.\.\]" is not allowed/,
      ],
      ['a value path on a sub-attribute', 'emails.value[value eq "x"]', /is not allowed/],
    ];

    it.each(cases)('refuses %s', (_, filter, detail) => {
      const error = userFilterError(filter);
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toMatch(detail);
    });
  });
});

describe('compileFilter on Groups', () => {
  it('matches displayName case-insensitively', async () => {
    expect(await groupIdsOf('displayName eq "ADMINS"')).toEqual(['g1']);
    expect(await groupIdsOf('displayName co "_"')).toEqual(['g3']);
    expect(await groupIdsOf('externalId eq "ext-admins"')).toEqual(['g1']);
    expect(await groupIdsOf('externalId eq "EXT-ADMINS"')).toEqual([]);
  });

  it('filters on members by value', async () => {
    expect(await groupIdsOf('members.value eq "u1"')).toEqual(['g1', 'g2']);
    expect(await groupIdsOf('members eq "u2"')).toEqual(['g2']);
    expect(await groupIdsOf('members[value eq "u2"]')).toEqual(['g2']);
  });

  it('ignores users that SCIM deleted', async () => {
    expect(await groupIdsOf('members eq "u5"')).toEqual([]);
    expect(await groupIdsOf('members.display eq "ghost"')).toEqual([]);
  });

  it('filters on members.display, falling back to the userName', async () => {
    expect(await groupIdsOf('members.display eq "babs jensen"')).toEqual(['g1', 'g2']);
    expect(await groupIdsOf('members.display eq "back\\\\slash"')).toEqual(['g3']);
    expect(await groupIdsOf('members[value eq "u2" and display sw "100%"]')).toEqual(['g2']);
    expect(await groupIdsOf('members[value eq "u1" and display sw "100%"]')).toEqual([]);
  });

  it('tests members for presence', async () => {
    expect(await groupIdsOf('members pr')).toEqual(['g1', 'g2', 'g3']);
    expect(await groupIdsOf('not (members pr)')).toEqual(['g4']);
    expect(await groupIdsOf('members.value ne "u1"')).toEqual(
      ['g1', 'g2', 'g3', 'g4'].filter((id) => id !== 'g1'),
    );
  });

  it('filters on meta', async () => {
    expect(await groupIdsOf('meta.resourceType eq "Group"')).toEqual(groupIds);
    expect(await groupIdsOf('meta.version eq "W/\\"1\\""')).toEqual(groupIds);
  });

  it('refuses attributes Groups do not have', () => {
    const error = scimErrorOf(() =>
      compileFilter(parseFilter('userName eq "x"'), groupFilterTarget('groups')),
    );
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toMatch(/the Group resource has no such attribute/);
  });
});

describe('compileSortKey', () => {
  async function sortedUsers(sortBy: string, direction: 'asc' | 'desc' = 'asc'): Promise<string[]> {
    const key = compileSortKey(sortBy, userFilterTarget('users'));
    const rows = await db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', TENANT)
      .where('deleted_at', 'is', null)
      .orderBy(key, direction)
      .orderBy('id')
      .execute();

    return rows.map((row) => row.id as string);
  }

  it('sorts strings case-insensitively by code point', async () => {
    expect(await sortedUsers('userName')).toEqual(['u3', 'u1', 'u2', 'u4']);
    expect(await sortedUsers('USERNAME', 'desc')).toEqual(['u4', 'u2', 'u1', 'u3']);
  });

  it('puts resources without a value last ascending and first descending', async () => {
    expect(await sortedUsers('name.familyName')).toEqual(['u3', 'u1', 'u4', 'u2']);
    expect(await sortedUsers('name.familyName', 'desc')).toEqual(['u2', 'u4', 'u1', 'u3']);
    expect(await sortedUsers('title')).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('sorts a multi-valued attribute by its primary value', async () => {
    expect(await sortedUsers('emails')).toEqual(['u1', 'u2', 'u3', 'u4']);
    // By first value u2 would lead with "a-first@..." / "home"; its primary is "js2@..." / "work".
    expect(await sortedUsers('emails.type')).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('sorts by dates, extension attributes and memberships', async () => {
    expect(await sortedUsers('meta.created', 'desc')).toEqual(['u4', 'u3', 'u2', 'u1']);
    expect(await sortedUsers(`${ENTERPRISE}:department`)).toEqual(['u2', 'u1', 'u3', 'u4']);
    expect(await sortedUsers('groups.display')).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('refuses unknown and complex attributes with invalidValue', () => {
    const sortError = (sortBy: string) =>
      scimErrorOf(() => compileSortKey(sortBy, userFilterTarget('users')));
    expect(sortError('shoeSize')).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(sortError('shoeSize').detail).toMatch(/^sortBy: Unknown attribute "shoeSize"/);
    expect(sortError('name').detail).toMatch(
      /sort by one of its sub-attributes, e\.g\. name\.formatted/,
    );
    expect(sortError('password').scimType).toBe('invalidValue');
    expect(sortError('meta.location').scimType).toBe('invalidValue');
  });
});

describe('filters on random input', () => {
  const everyone = (ids: string[]) => [...ids].sort();

  const attributePaths = [
    'userName',
    'displayName',
    'title',
    'active',
    'externalId',
    'name',
    'name.givenName',
    'name.familyName',
    'emails',
    'emails.value',
    'emails.type',
    'emails.primary',
  ];
  const strings = [
    'bjensen',
    'BJensen',
    'b',
    'J',
    '%',
    '_',
    '\\',
    "'",
    ';--',
    '',
    'example.com',
    'work',
    'home',
    'Babs Jensen',
    "o'malley",
    'zed',
    'ext-1',
    'js2@example.com',
    'Tour Guide',
  ];
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...strings) },
    { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
    { weight: 2, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: 2 }) },
  );
  const op = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
  const emailPath = fc.constantFrom('value', 'type', 'primary', 'display');
  const leaf = (path: fc.Arbitrary<string>): fc.Arbitrary<FilterNode> =>
    fc.oneof(
      fc.record({ kind: fc.constant('compare' as const), path, op, value }),
      fc.record({ kind: fc.constant('present' as const), path }),
    );
  const combine = (tie: (key: string) => fc.Arbitrary<unknown>, key: string) =>
    [
      fc.record({
        kind: fc.constant('not' as const),
        operand: tie(key) as fc.Arbitrary<FilterNode>,
      }),
      fc.record({
        kind: fc.constantFrom('and' as const, 'or' as const),
        left: tie(key) as fc.Arbitrary<FilterNode>,
        right: tie(key) as fc.Arbitrary<FilterNode>,
      }),
    ] as const;
  const filters = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf(fc.constantFrom(...attributePaths)),
      fc.record({
        kind: fc.constant('valuePath' as const),
        path: fc.constant('emails'),
        filter: tie('inner') as fc.Arbitrary<FilterNode>,
      }),
      ...combine(tie, 'node'),
    ),
    inner: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf(emailPath),
      ...combine(tie, 'inner'),
    ),
  })).node as fc.Arbitrary<FilterNode>;

  /** The users as the in-memory evaluator sees them: columns and resource in one object. */
  const documents = users
    .filter((user) => liveUserIds.includes(user.id))
    .map((user) => ({
      id: user.id,
      document: {
        ...user.resource,
        id: user.id,
        userName: user.userName,
        active: user.active,
        ...(user.externalId === undefined ? {} : { externalId: user.externalId }),
      },
    }));
  const attributes = [...commonAttributes, ...userSchema.attributes];

  it('selects the same users in SQL as the in-memory evaluator, and not (f) selects the rest', async () => {
    await fc.assert(
      fc.asyncProperty(filters, async (node) => {
        let expected: string[];
        try {
          expected = documents
            .filter(({ document }) => matchesFilter(node, document, attributes))
            .map(({ id }) => id);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect(() => compileFilter(node, userFilterTarget('users'))).toThrow(ScimError);

          return;
        }
        const target = userFilterTarget('users');
        expect(await selectUsers(compileFilter(node, target))).toEqual(expected);
        const rest = await selectUsers(compileFilter({ kind: 'not', operand: node }, target));
        expect(everyone([...expected, ...rest])).toEqual(liveUserIds);
      }),
      { numRuns: 300 },
    );
  });

  it('answers random filter text with rows or a ScimError, never a database error', async () => {
    const path = fc.constantFrom(
      'userName',
      'id',
      'externalId',
      'emails',
      'emails.value',
      'emails.primary',
      'name',
      'name.givenName',
      'active',
      'meta.created',
      'meta.version',
      'meta.location',
      `${ENTERPRISE}:department`,
      `${ENTERPRISE}:manager`,
      'groups',
      'groups.display',
      'title',
      'password',
      'addresses.locality',
    );
    const literal = fc.oneof(
      fc.constantFrom(
        '"x"',
        '"%_\\\\"',
        '"2021-01-01T00:00:00Z"',
        '"2021-13-01T00:00:00Z"',
        '"\\u0000"',
        '1e400',
        '-0',
        '1.5',
        'true',
        'null',
        '"\'; select pg_sleep(10);--"',
        '""',
      ),
      fc.string({ unit: 'binary', maxLength: 8 }).map((text) => JSON.stringify(text)),
      fc.double().map(String),
    );
    const op = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
    const clause = fc.oneof(
      fc.tuple(path, op, literal).map((parts) => parts.join(' ')),
      path.map((name) => `${name} pr`),
      fc
        .tuple(path, fc.constantFrom('value', 'type', 'display', 'primary', '$ref'), op, literal)
        .map(([name, sub, operator, value]) => `${name}[${sub} ${operator} ${value}]`),
      fc.tuple(path, op, literal).map((parts) => `not (${parts.join(' ')})`),
    );
    const text = fc
      .array(fc.tuple(clause, fc.constantFrom('and', 'or', 'AND', 'Or')), {
        minLength: 1,
        maxLength: 4,
      })
      .map((pairs) =>
        pairs
          .map(([part, joiner]) => `${part} ${joiner}`)
          .join(' ')
          .replace(/ \S+$/, ''),
      );
    let reachedDatabase = 0;

    await fc.assert(
      fc.asyncProperty(text, async (filter) => {
        let condition: RawBuilder<SqlBool>;
        try {
          condition = compileFilter(parseFilter(filter), userFilterTarget('users'));
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);

          return;
        }
        await selectUsers(condition);
        reachedDatabase += 1;
      }),
      { numRuns: 400 },
    );
    // Most random filters are refused; enough must get through for the property to say something.
    expect(reachedDatabase).toBeGreaterThan(20);
  });
});

describe('filter targets', () => {
  it('accept a table alias and refuse anything that is not a plain identifier', () => {
    const target: FilterTarget = userFilterTarget('u');
    const query = db
      .selectFrom('users as u')
      .select('u.id')
      .where(compileFilter(parseFilter('userName eq "x"'), target))
      .compile();
    expect(query.sql).toContain('lower("u"."user_name")');
    expect(() => userFilterTarget('users; drop table users')).toThrow();
    expect(() => groupFilterTarget('scim_filter_member')).toThrow();
  });
});
