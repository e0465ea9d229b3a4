import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { eventually } from '../support/http';
import type { HttpResult } from '../support/http';
import {
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  PATCH_OP,
  ScimClient,
  USER_SCHEMA,
  auditActions,
  expectScimError,
  fixture,
  storedMemberIds,
  storedUser,
  tenantSnapshot,
  userBody,
} from '../support/scim-client';

/**
 * POST /Bulk (RFC 7644 §3.7): the RFC's own examples, bulkId references,
 * failOnErrors, versions, the advertised limits, and each operation going
 * through the same code as its own route, workflows included.
 */

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

let stack: TestStack;
stackForFile((started) => (stack = started));

function bulkRequest(operations: unknown[], extra: Record<string, unknown> = {}) {
  return { schemas: [BULK_REQUEST], ...extra, Operations: operations };
}

/** A fixture with `{{name}}` placeholders filled in. */
function filledFixture(name: string, values: Record<string, string>): unknown {
  let text = JSON.stringify(fixture(name));
  for (const [key, value] of Object.entries(values)) {
    text = text.replaceAll(`{{${key}}}`, value.replaceAll('"', '\\"'));
  }

  return JSON.parse(text);
}

function expectBulkResponse(result: HttpResult): Array<Record<string, any>> {
  expect([result.status, result.body?.detail]).toEqual([200, undefined]);
  expect(result.body.schemas).toEqual([BULK_RESPONSE]);

  return result.body.Operations;
}

async function userIdByName(scim: ScimClient, userName: string): Promise<string | undefined> {
  const row = await stack.database.db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', scim.tenantId)
    .where('user_name', '=', userName)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();

  return row?.id;
}

describe('the RFC 7644 examples', () => {
  it('creates a user and a group naming it by bulkId, as §3.7.2 shows', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    const result = await scim.post('/Bulk', fixture('rfc7644-bulk-bulkid-reference.json'));

    const [user, group] = expectBulkResponse(result);
    const alice = await userIdByName(scim, 'Alice');
    expect(alice).toBeDefined();
    const baseUrl = `${stack.baseUrl}/scim/v2`;
    expect(user).toEqual({
      method: 'POST',
      bulkId: 'qwerty',
      version: 'W/"1"',
      location: `${baseUrl}/Users/${alice}`,
      status: '201',
    });
    expect(group).toMatchObject({
      method: 'POST',
      bulkId: 'ytrewq',
      version: 'W/"1"',
      status: '201',
    });
    const groupId = (group?.location as string).slice(`${baseUrl}/Groups/`.length);
    expect(await storedMemberIds(stack.database.db, groupId)).toEqual([alice]);
    expect(await auditActions(stack.database.db, alice as string)).toEqual(['scim.user.created']);
    expect(await auditActions(stack.database.db, groupId)).toEqual(['scim.group.created']);
    const fetched = await scim.get(`/Groups/${groupId}`);
    expect(fetched.body.members).toEqual([expect.objectContaining({ value: alice })]);
  });

  it('runs POST, PUT, PATCH and DELETE with versions, as §3.7.1 shows', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const bob = await scim.createUser('bob@example.com');
    const dave = await scim.createUser('dave@example.com', { nickName: 'Davey' });
    const eve = await scim.createUser('eve@example.com');
    const request = filledFixture('rfc7644-bulk-request.json', {
      bob,
      dave,
      eve,
      bobVersion: 'W/"1"',
      daveVersion: 'W/"1"',
      eveVersion: 'W/"1"',
    });

    const operations = expectBulkResponse(await scim.post('/Bulk', request));

    const baseUrl = `${stack.baseUrl}/scim/v2`;
    const alice = await userIdByName(scim, 'Alice');
    expect(operations).toEqual([
      {
        method: 'POST',
        bulkId: 'qwerty',
        version: 'W/"1"',
        location: `${baseUrl}/Users/${alice}`,
        status: '201',
      },
      { method: 'PUT', version: 'W/"2"', location: `${baseUrl}/Users/${bob}`, status: '200' },
      { method: 'PATCH', version: 'W/"2"', location: `${baseUrl}/Users/${dave}`, status: '200' },
      { method: 'DELETE', location: `${baseUrl}/Users/${eve}`, status: '204' },
    ]);
    expect((await storedUser(stack.database.db, bob)).user_name).toBe('Bob');
    const patched = await storedUser(stack.database.db, dave);
    expect(patched.user_name).toBe('Dave');
    expect(patched.resource.nickName).toBeUndefined();
    expect((await storedUser(stack.database.db, eve)).deleted_at).not.toBeNull();
    expect(await auditActions(stack.database.db, eve)).toEqual([
      'scim.user.created',
      'scim.user.deleted',
    ]);
  });

  it('stops after failOnErrors errors and answers only the operations that ran, as §3.7.3 shows', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await scim.createUser('Alice');
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);

    const operations = expectBulkResponse(
      await scim.post('/Bulk', fixture('rfc7644-bulk-fail-on-errors.json')),
    );

    expect(operations).toEqual([
      {
        method: 'POST',
        bulkId: 'qwerty',
        status: '409',
        response: {
          schemas: [ERROR_SCHEMA],
          status: '409',
          scimType: 'uniqueness',
          detail: expect.stringContaining('Alice'),
        },
      },
    ]);
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);

    const withoutLimit = {
      ...fixture('rfc7644-bulk-fail-on-errors.json'),
      failOnErrors: undefined,
    };
    const all = expectBulkResponse(await scim.post('/Bulk', withoutLimit));
    expect(all.map((operation) => operation.status)).toEqual(['409', '201']);
    expect(await userIdByName(scim, 'Bob')).toBeDefined();
  });
});

describe('bulkId references', () => {
  it('resolves references to later POSTs in paths, values and PatchOp path filters', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    const operations = expectBulkResponse(
      await scim.post(
        '/Bulk',
        bulkRequest([
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'team',
            data: {
              schemas: [GROUP_SCHEMA],
              displayName: 'Team',
              members: [{ value: 'bulkId:lead' }],
            },
          },
          {
            method: 'PATCH',
            path: '/Groups/bulkId:team',
            data: {
              schemas: [PATCH_OP],
              Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:member' }] }],
            },
          },
          { method: 'POST', path: '/Users', bulkId: 'lead', data: userBody('lead@example.com') },
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'member',
            data: userBody('member@example.com', {
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
                manager: { value: 'bulkId:lead' },
              },
            }),
          },
          {
            method: 'PATCH',
            path: '/Groups/bulkId:team',
            data: {
              schemas: [PATCH_OP],
              Operations: [{ op: 'remove', path: 'members[value eq "bulkId:lead"]' }],
            },
          },
        ]),
      ),
    );

    expect(operations.map((operation) => operation.status)).toEqual([
      '201',
      '204',
      '201',
      '201',
      '204',
    ]);
    const lead = (await userIdByName(scim, 'lead@example.com')) as string;
    const member = (await userIdByName(scim, 'member@example.com')) as string;
    const team = (operations[0]?.location as string).split('/').pop() as string;
    expect(operations[1]?.location).toBe(operations[0]?.location);
    expect(await storedMemberIds(stack.database.db, team)).toEqual([member]);
    const updates = await stack.database.db
      .selectFrom('audit_events')
      .select('details')
      .where('target_id', '=', team)
      .where('action', '=', 'scim.group.updated')
      .orderBy('occurred_at')
      .execute();
    expect(updates.map((update) => update.details.member_operations)).toEqual([
      [{ op: 'add', count: 1 }],
      [{ op: 'remove', count: 1 }],
    ]);
    const stored = await storedUser(stack.database.db, member);
    expect(stored.resource['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({
      manager: { value: lead },
    });
  });

  it('answers 409 for circular references and references to failed operations, 400 for unknown ones', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await scim.createUser('taken@example.com');
    const manager = (bulkId: string) => ({
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
        manager: { value: `bulkId:${bulkId}` },
      },
    });

    const operations = expectBulkResponse(
      await scim.post(
        '/Bulk',
        bulkRequest([
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'a',
            data: userBody('a@example.com', manager('b')),
          },
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'b',
            data: userBody('b@example.com', manager('a')),
          },
          { method: 'POST', path: '/Users', bulkId: 'dup', data: userBody('taken@example.com') },
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'g',
            data: { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'bulkId:dup' }] },
          },
          { method: 'DELETE', path: '/Users/bulkId:nowhere' },
        ]),
      ),
    );

    expect(operations.map((operation) => [operation.bulkId, operation.status])).toEqual([
      ['a', '409'],
      ['b', '409'],
      ['dup', '409'],
      ['g', '409'],
      [undefined, '400'],
    ]);
    expect(operations[1]?.response.detail).toMatch(/circular/);
    expect(operations[3]?.response.detail).toMatch(/"bulkId:dup"/);
    expect(operations[4]?.response).toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringMatching(/nowhere/),
    });
    const users = await stack.database.db
      .selectFrom('users')
      .select('user_name')
      .where('tenant_id', '=', scim.tenantId)
      .execute();
    expect(users.map((user) => user.user_name)).toEqual(['taken@example.com']);
  });
});

describe('versions and errors of single operations', () => {
  it('refuses a stale version with 412 for that operation alone, with a location', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('versioned@example.com');
    await scim.patch(`/Users/${id}`, [{ op: 'replace', path: 'nickName', value: 'v2' }]);

    const operations = expectBulkResponse(
      await scim.post(
        '/Bulk',
        bulkRequest([
          {
            method: 'PATCH',
            path: `/Users/${id}`,
            version: 'W/"1"',
            data: {
              schemas: [PATCH_OP],
              Operations: [{ op: 'replace', path: 'nickName', value: 'stale' }],
            },
          },
          {
            method: 'PATCH',
            path: `/Users/${id}`,
            version: 'W/"2"',
            data: {
              schemas: [PATCH_OP],
              Operations: [{ op: 'replace', path: 'nickName', value: 'fresh' }],
            },
          },
          { method: 'GET', path: `/Users/${id}` },
          { method: 'POST', path: '/Users', data: userBody('nobulkid@example.com') },
          { method: 'PUT', path: '/Users', data: userBody('nowhere@example.com') },
          { method: 'DELETE', path: '/Users/usr_00000000000000000000000000' },
        ]),
      ),
    );

    expect(operations.map((operation) => operation.status)).toEqual([
      '412',
      '200',
      '400',
      '400',
      '400',
      '404',
    ]);
    expect(operations[0]).toMatchObject({
      method: 'PATCH',
      location: expect.stringContaining(`/Users/${id}`),
    });
    expect(operations[0]?.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '412' });
    expect(operations[1]).toMatchObject({ version: 'W/"3"' });
    expect(operations[2]?.response.scimType).toBe('invalidValue');
    expect(operations[3]?.response.detail).toMatch(/bulkId/);
    expect((await storedUser(stack.database.db, id)).resource.nickName).toBe('fresh');
  });

  it('refuses a request that is not a BulkRequest as a whole', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);
    const create = {
      method: 'POST',
      path: '/Users',
      bulkId: 'x',
      data: userBody('whole@example.com'),
    };

    expectScimError(await scim.post('/Bulk', { Operations: [create] }), 400, 'invalidSyntax');
    expectScimError(await scim.post('/Bulk', { schemas: [BULK_REQUEST] }), 400, 'invalidSyntax');
    expectScimError(
      await scim.post('/Bulk', bulkRequest([create], { failOnErrors: 0 })),
      400,
      'invalidValue',
    );
    expectScimError(await scim.post('/Bulk', bulkRequest([create, create])), 400, 'invalidValue');
    const got = await scim.get('/Bulk');
    expectScimError(got, 405);
    expect(got.headers.get('allow')).toBe('POST');
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
  });
});

describe('limits', () => {
  it('advertises maxOperations and maxPayloadSize and answers 413 past either, writing nothing', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.body.bulk).toEqual({
      supported: true,
      maxOperations: 1000,
      maxPayloadSize: 1_048_576,
    });
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);

    const tooMany = Array.from({ length: 1001 }, (_, n) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `u${n}`,
      data: { schemas: [USER_SCHEMA], userName: `u${n}@example.com` },
    }));
    const many = await scim.post('/Bulk', bulkRequest(tooMany));
    expectScimError(many, 413);
    expect(many.body.detail).toMatch(/1001 operations.*at most 1000 \(maxOperations\)/);

    const padding = 'x'.repeat(1_048_576);
    const large = await scim.post(
      '/Bulk',
      bulkRequest([{ method: 'DELETE', path: '/Users/x', padding }]),
    );
    expectScimError(large, 413);
    expect(large.body.detail).toMatch(/1048576 bytes \(maxPayloadSize\)/);
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);

    const justUnder = 'x'.repeat(1_048_576 - 2_000);
    const accepted = await scim.post(
      '/Bulk',
      bulkRequest([{ method: 'DELETE', path: '/Users/x', padding: justUnder }]),
    );
    expect(expectBulkResponse(accepted).map((operation) => operation.status)).toEqual(['404']);
  });
});

describe('workflows', () => {
  it('deprovisions a user deactivated through Bulk once that operation has committed', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('leaver@example.com');

    const operations = expectBulkResponse(
      await scim.post(
        '/Bulk',
        bulkRequest([
          {
            method: 'PATCH',
            path: `/Users/${id}`,
            data: {
              schemas: [PATCH_OP],
              Operations: [{ op: 'replace', path: 'active', value: false }],
            },
          },
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'joiner',
            data: userBody('joiner@example.com'),
          },
        ]),
      ),
    );

    expect(operations.map((operation) => operation.status)).toEqual(['200', '201']);
    const event = await stack.database.db
      .selectFrom('sync_events')
      .selectAll()
      .where('resource_id', '=', id)
      .where('kind', '=', 'deprovision')
      .executeTakeFirstOrThrow();
    // Started by the request itself, not left to the dispatcher.
    expect(event.dispatched_at).not.toBeNull();
    const deprovisioned = await eventually(async () => {
      const user = await storedUser(stack.database.db, id);

      return user.deprovisioned_at ?? undefined;
    });
    expect(deprovisioned).toBeInstanceOf(Date);
    expect(await auditActions(stack.database.db, id)).toEqual(
      expect.arrayContaining(['scim.user.created', 'scim.user.updated']),
    );
  });
});
