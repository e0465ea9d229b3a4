import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database';
import { request } from '../support/http';
import { USER_SCHEMA } from '../support/scim-client';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

/** Every row of every table of the test database, as text: what a database dump would hold. */
async function databaseDump(db: Db): Promise<string> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await sql<{
      row: string;
    }>`select t::text as row from ${sql.table(name)} t`.execute(db);
    parts.push(`${name}:\n${rows.map((row) => row.row).join('\n')}`);
  }

  return parts.join('\n');
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

describe('secrets at rest', () => {
  it('stores SCIM, session and agent tokens only as SHA-256 hashes, nowhere in clear', async () => {
    const admin = { token: stack.adminApiKey };
    const tenant = await request(stack, 'POST', '/admin/v1/tenants', {
      ...admin,
      body: { name: 'Secrets' },
    });
    const tenantId = tenant.body.id;
    const first = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim`, admin);
    const rotated = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim/tokens`, {
      ...admin,
      body: { overlap_seconds: 60 },
    });
    const scimToken = rotated.body.token;
    const user = await request(stack, 'POST', '/scim/v2/Users', {
      token: scimToken,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'hana@example.com',
        externalId: 'hana',
        password: 'Pa55word-never-stored',
      },
    });
    const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      ...admin,
      body: { subject: 'hana', email: 'hana@example.com' },
    });
    const agent = await request(
      stack,
      'POST',
      `/auth/v1/tenants/${tenantId}/users/${user.body.id}/agent-tokens`,
      {
        ...admin,
        body: { name: 'ci' },
      },
    );
    const reEnabled = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim:disable`, {
      ...admin,
      body: {},
    });
    const enabled = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim:enable`,
      admin,
    );
    expect([
      first.status,
      rotated.status,
      user.status,
      login.status,
      agent.status,
      reEnabled.status,
      enabled.status,
    ]).toEqual([201, 201, 201, 201, 201, 200, 201]);
    const tokens = [
      first.body.token,
      scimToken,
      login.body.session_token,
      agent.body.token,
      enabled.body.token,
    ];
    for (const token of tokens) expect(token).toMatch(/^bw(scim|ses|agt)_[A-Za-z0-9_-]{43}$/);

    const dump = await databaseDump(stack.database.db);
    for (const token of tokens) {
      // Neither the token nor its random part, in any table: tokens, audit details, sync payloads.
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(token.indexOf('_') + 1));
    }
    expect(dump).not.toContain('Pa55word-never-stored');
    expect(dump).not.toContain(stack.adminApiKey);

    // What is stored is the hash that lookups go by.
    const db = stack.database.db;
    const stored = [
      ...(await db
        .selectFrom('scim_tokens')
        .select('token_hash')
        .where('tenant_id', '=', tenantId)
        .execute()),
      ...(await db
        .selectFrom('sessions')
        .select('token_hash')
        .where('tenant_id', '=', tenantId)
        .execute()),
      ...(await db
        .selectFrom('agent_tokens')
        .select('token_hash')
        .where('tenant_id', '=', tenantId)
        .execute()),
    ].map((row) => row.token_hash);
    expect(stored.sort()).toEqual(tokens.map(sha256).sort());
    // The admin API lists token metadata, never values or hashes.
    const listed = await request(stack, 'GET', `/admin/v1/tenants/${tenantId}/scim/tokens`, admin);
    expect(listed.status).toBe(200);
    for (const hash of stored) expect(JSON.stringify(listed.body)).not.toContain(hash);
  });
});
