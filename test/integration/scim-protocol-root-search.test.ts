import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import type { HttpResult } from '../support/http';
import { request } from '../support/http';
import {
  GROUP_SCHEMA,
  LIST_RESPONSE,
  ScimClient,
  USER_SCHEMA,
  expectScimError,
  expectScimJson,
} from '../support/scim-client';

/**
 * Queries at the service root, POST /.search (RFC 7644 §3.4.3) and GET with
 * query parameters (§3.4.2.1): one query over Users and Groups, the filter
 * applied to each type, attributes of either, one order and one paging
 * across both; and /Me (RFC 7644 §3.11).
 */

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false });

function search(scim: ScimClient, parameters: Record<string, unknown>): Promise<HttpResult> {
  return scim.post('/.search', { schemas: [SEARCH_REQUEST], ...parameters });
}

/** GET at the root, `/scim/v2?…` or with `slash` `/scim/v2/?…`; array values comma-joined. */
function rootGet(
  scim: ScimClient,
  parameters: Record<string, unknown>,
  slash = false,
): Promise<HttpResult> {
  const query = Object.entries(parameters)
    .map(([name, value]) => {
      const text = Array.isArray(value) ? value.join(',') : String(value);

      return `${name}=${encodeURIComponent(text)}`;
    })
    .join('&');

  return scim.get(`${slash ? '/' : ''}${query === '' ? '' : `?${query}`}`);
}

function idsOf(result: HttpResult): string[] {
  expect([result.status, result.body.detail]).toEqual([200, undefined]);

  return result.body.Resources.map((resource: { id: string }) => resource.id);
}

/** A tenant with two users and two groups, the first user in the first group. */
async function directory(scim: ScimClient) {
  const alice = await scim.createUser('alice@example.com', { displayName: 'Engineering Lead' });
  const bob = await scim.createUser('bob@example.com', { displayName: 'Bob' });
  const engineering = await scim.createGroup('Engineering', [alice]);
  const sales = await scim.createGroup('Sales');

  return { alice, bob, engineering, sales };
}

describe('filters over Users and Groups', () => {
  it('applies the filter to each resource type, an attribute one type lacks reading as absent there', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { alice, bob, engineering, sales } = await directory(scim);

    const both = await search(scim, { filter: 'displayName sw "eng"' });
    expect(both.body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
    });
    expect(idsOf(both).sort()).toEqual([alice, engineering].sort());
    const types = both.body.Resources.map(
      (resource: { meta: { resourceType: string } }) => resource.meta.resourceType,
    );
    expect(types.sort()).toEqual(['Group', 'User']);

    // RFC 7644 §3.4.2.2: "a presence or equality filter for an undefined attribute evaluates to false".
    expect(idsOf(await search(scim, { filter: 'userName eq "alice@example.com"' }))).toEqual([
      alice,
    ]);
    expect(idsOf(await search(scim, { filter: 'members pr' }))).toEqual([engineering]);
    expect(idsOf(await search(scim, { filter: 'not (userName pr)' })).sort()).toEqual(
      [engineering, sales].sort(),
    );
    expect(idsOf(await search(scim, { filter: 'userName ne "alice@example.com"' })).sort()).toEqual(
      [bob, engineering, sales].sort(),
    );
    expect(
      idsOf(
        await search(scim, { filter: 'emails[type eq "work"] or displayName eq "sales"' }),
      ).sort(),
    ).toEqual([alice, bob, sales].sort());

    expectScimError(await search(scim, { filter: 'shoeSize eq 42' }), 400, 'invalidFilter');
    expectScimError(await search(scim, { filter: 'password eq "x"' }), 400, 'invalidFilter');
  });
});

describe('attributes over Users and Groups', () => {
  it('takes attributes of either type and shows each resource what it has of them', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { alice, engineering } = await directory(scim);

    const names = await search(scim, {
      filter: 'displayName sw "eng"',
      attributes: ['userName', 'members.value'],
    });
    const byId = Object.fromEntries(
      names.body.Resources.map((resource: { id: string }) => [resource.id, resource]),
    );
    expect(byId[alice]).toEqual({
      schemas: [USER_SCHEMA],
      id: alice,
      userName: 'alice@example.com',
    });
    expect(byId[engineering]).toEqual({
      schemas: [GROUP_SCHEMA],
      id: engineering,
      members: [{ value: alice }],
    });

    const excluded = await search(scim, { excludedAttributes: ['groups', 'members', 'meta'] });
    for (const resource of excluded.body.Resources) {
      expect(resource.groups ?? resource.members ?? resource.meta).toBeUndefined();
      expect(resource.id).toEqual(expect.any(String));
    }

    const unknown = await search(scim, { attributes: ['shoeSize'] });
    expectScimError(unknown, 400, 'invalidValue');
    expect(unknown.body.detail).toContain('User or Group');
  });
});

describe('order and paging over Users and Groups', () => {
  it('sorts both types as one list, missing values last, and pages it by startIndex and by cursor', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { alice, bob, engineering, sales } = await directory(scim);

    const byDisplayName = [bob, engineering, alice, sales];
    expect(idsOf(await search(scim, { sortBy: 'displayName' }))).toEqual(byDisplayName);
    expect(idsOf(await search(scim, { sortBy: 'displayName', sortOrder: 'descending' }))).toEqual(
      [...byDisplayName].reverse(),
    );
    // Groups have no userName: last ascending, first descending (RFC 7644 §3.4.2.3).
    const byUserName = idsOf(await search(scim, { sortBy: 'userName' }));
    expect(byUserName.slice(0, 2)).toEqual([alice, bob]);
    expect(byUserName.slice(2).sort()).toEqual([engineering, sales].sort());
    const descending = idsOf(await search(scim, { sortBy: 'userName', sortOrder: 'descending' }));
    expect(descending.slice(2)).toEqual([bob, alice]);

    const second = await search(scim, { sortBy: 'displayName', startIndex: 3, count: 2 });
    expect(second.body).toMatchObject({ totalResults: 4, startIndex: 3, itemsPerPage: 2 });
    expect(idsOf(second)).toEqual(byDisplayName.slice(2));

    const firstPage = await search(scim, { sortBy: 'displayName', cursor: '', count: 3 });
    expect(idsOf(firstPage)).toEqual(byDisplayName.slice(0, 3));
    const lastPage = await search(scim, {
      sortBy: 'displayName',
      cursor: firstPage.body.nextCursor,
      count: 3,
    });
    expect(idsOf(lastPage)).toEqual(byDisplayName.slice(3));
    expect(lastPage.body.nextCursor).toBeUndefined();
    // A cursor of the root query is no cursor of /Users.
    const elsewhere = await scim.post('/Users/.search', {
      schemas: [SEARCH_REQUEST],
      sortBy: 'displayName',
      cursor: firstPage.body.nextCursor,
    });
    expectScimError(elsewhere, 400, 'invalidCursor');
  });

  it('answers POST only at /.search', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    const got = await scim.get('/.search');
    expectScimError(got, 405);
    expect(got.headers.get('allow')).toBe('POST');
  });
});

describe('GET at the root', () => {
  it('answers exactly as POST /.search does, with and without a trailing slash', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { alice, bob, engineering, sales } = await directory(scim);

    const queries: Array<Record<string, unknown>> = [
      {},
      { filter: 'displayName sw "eng"', attributes: ['userName', 'members.value'] },
      { filter: 'not (userName pr)', excludedAttributes: ['meta'] },
      { sortBy: 'displayName', sortOrder: 'descending', startIndex: 2, count: 2 },
      { count: 0 },
    ];
    for (const parameters of queries) {
      const posted = await search(scim, parameters);
      expect([posted.status, posted.body.detail]).toEqual([200, undefined]);
      for (const slash of [false, true]) {
        const got = await rootGet(scim, parameters, slash);
        expectScimJson(got);
        expect(got.body).toEqual(posted.body);
      }
    }

    // Not a vacuous match: the answers hold both types, projected as asked.
    const all = await rootGet(scim, {});
    expect(idsOf(all).sort()).toEqual([alice, bob, engineering, sales].sort());
    const projected = await rootGet(scim, {
      filter: 'displayName sw "eng"',
      attributes: ['userName', 'members.value'],
    });
    expect(projected.body.Resources).toEqual(
      expect.arrayContaining([
        { schemas: [USER_SCHEMA], id: alice, userName: 'alice@example.com' },
        { schemas: [GROUP_SCHEMA], id: engineering, members: [{ value: alice }] },
      ]),
    );
  });

  it('pages by cursor, a cursor of either form continuing the other', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { alice, bob, engineering, sales } = await directory(scim);
    const byDisplayName = [bob, engineering, alice, sales];

    const paging = { sortBy: 'displayName', count: 2 };

    const first = await rootGet(scim, { ...paging, cursor: '' });
    expect(idsOf(first)).toEqual(byDisplayName.slice(0, 2));
    const next = await search(scim, { ...paging, cursor: first.body.nextCursor });
    expect(idsOf(next)).toEqual(byDisplayName.slice(2));
    const back = await rootGet(scim, { ...paging, cursor: next.body.previousCursor });
    expect(idsOf(back)).toEqual(byDisplayName.slice(0, 2));
  });

  it.each([
    ['an unknown attribute in the filter', { filter: 'shoeSize eq 42' }, 'invalidFilter'],
    ['a filter that does not parse', { filter: 'userName eq' }, 'invalidFilter'],
    ['an unknown attribute to return', { attributes: 'shoeSize' }, 'invalidValue'],
    ['a count that is not an integer', { count: 'ten' }, 'invalidValue'],
    ['an unknown sortOrder', { sortOrder: 'sideways' }, 'invalidValue'],
    ['startIndex and cursor together', { startIndex: 1, cursor: '' }, 'invalidValue'],
    ['a cursor it did not issue', { cursor: 'bm90LWEtY3Vyc29y' }, 'invalidCursor'],
  ])('refuses %s as POST /.search does', async (_, parameters, scimType) => {
    const scim = await ScimClient.forNewTenant(stack);

    const posted = await search(scim, parameters);
    for (const slash of [false, true]) {
      const got = await rootGet(scim, parameters, slash);
      expectScimError(got, 400, scimType);
      expect(got.body).toEqual(posted.body);
    }
  });

  it('refuses a filter given twice, as lists of one type do', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    expectScimError(await scim.get('?filter=id%20pr&filter=id%20pr'), 400, 'invalidValue');
  });

  it('asks for the tenant token and answers other methods with 405', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await directory(scim);

    const anonymous = await request(stack, 'GET', '/scim/v2?filter=id%20pr');
    expectScimError(anonymous, 401);
    const other = await ScimClient.forNewTenant(stack, 'Other');
    const elsewhere = await rootGet(other, {});
    expect(elsewhere.body).toMatchObject({ totalResults: 0, Resources: [] });

    for (const result of [
      await scim.post('', { schemas: [SEARCH_REQUEST] }),
      await scim.put('/', { schemas: [SEARCH_REQUEST] }),
      await scim.delete(''),
    ]) {
      expectScimError(result, 405);
      expect(result.headers.get('allow')).toBe('GET');
    }
  });
});

describe('/Me', () => {
  it('answers 501 with a SCIM error body, whatever the method', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    for (const result of [
      await scim.get('/Me'),
      await scim.put('/Me', { schemas: [USER_SCHEMA], userName: 'me@example.com' }),
      await scim.patch('/Me', [{ op: 'replace', path: 'nickName', value: 'me' }]),
      await scim.delete('/Me'),
    ]) {
      expectScimError(result, 501);
      expect(result.body.detail).toMatch(/\/Users\/\{id\}/);
    }
  });
});
