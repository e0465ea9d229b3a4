import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import type { HttpResult } from '../support/http';
import { LIST_RESPONSE, ScimClient, expectScimError, userBody } from '../support/scim-client';
import { decodeCursor, encodeCursor } from '../../src/scim/search/cursor';

/**
 * Paging lists (RFC 7644 §3.4.2.3, §3.4.2.4) by startIndex and by cursor
 * (RFC 9865): count=0, the advertised page sizes, keyset cursors that keep
 * their place while resources come and go, sorting with missing values, and
 * the cursor errors.
 */

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false });

async function createUsers(
  scim: ScimClient,
  names: string[],
  attributes: (name: string) => Record<string, unknown> = () => ({}),
) {
  const ids: string[] = [];
  for (const name of names) ids.push(await scim.createUser(name, attributes(name)));

  return ids;
}

function idsOf(result: HttpResult): string[] {
  return (result.body.Resources ?? []).map((resource: { id: string }) => resource.id);
}

/** Follows nextCursor from the first page to the last, checking each page's shape. */
async function walkCursors(scim: ScimClient, query: string, count: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor = '';
  for (;;) {
    const page = await scim.get(`/Users?${query}&count=${count}&cursor=${cursor}`);
    expect([page.status, page.body.detail]).toEqual([200, undefined]);
    expect(page.body.startIndex).toBeUndefined();
    expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
    pages.push(idsOf(page));
    if (page.body.nextCursor === undefined) return pages;
    expect(page.body.nextCursor).toMatch(/^[A-Za-z0-9\-._~]+$/);
    cursor = page.body.nextCursor;
  }
}

describe('page sizes', () => {
  it('answers count=0 with totalResults, itemsPerPage 0 and an empty Resources', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await createUsers(scim, ['zero1@example.com', 'zero2@example.com', 'zero3@example.com']);

    const counted = await scim.get('/Users?count=0');
    expect(counted.status).toBe(200);
    // RFC 7644 §3.4.2 requires Resources whenever totalResults is non-zero: it is there, empty.
    expect(counted.body).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 3,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const filtered = await scim.get(
      '/Users?count=0&filter=userName%20eq%20%22zero2@example.com%22',
    );
    expect(filtered.body).toMatchObject({ totalResults: 1, itemsPerPage: 0, Resources: [] });
    const negative = await scim.get('/Users?count=-5');
    expect(negative.body).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
    const byCursor = await scim.get('/Users?count=0&cursor=');
    expect(byCursor.body).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 3,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('returns at most the advertised maxPageSize, and defaultPageSize without count', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const config = (await scim.get('/ServiceProviderConfig')).body;
    expect(config.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 100,
      maxPageSize: 200,
      cursorTimeout: 3600,
    });
    expect(config.filter.maxResults).toBe(config.pagination.maxPageSize);

    const names = Array.from(
      { length: 205 },
      (_, n) => `many-${String(n).padStart(3, '0')}@example.com`,
    );
    for (let start = 0; start < names.length; start += 25) {
      await Promise.all(names.slice(start, start + 25).map((name) => scim.createUser(name)));
    }

    const capped = await scim.get('/Users?count=1000&attributes=userName');
    expect(capped.body).toMatchObject({ totalResults: 205, itemsPerPage: 200, startIndex: 1 });
    expect(capped.body.Resources).toHaveLength(200);
    const byDefault = await scim.get('/Users?attributes=userName');
    expect(byDefault.body).toMatchObject({ totalResults: 205, itemsPerPage: 100 });
    const cursorCapped = await scim.get('/Users?count=1000&cursor=&attributes=userName');
    expect(cursorCapped.body.Resources).toHaveLength(200);
    expect(cursorCapped.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('cursor paging (RFC 9865)', () => {
  it('walks forward with nextCursor and back with previousCursor, as RFC 9865 §2 shows', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const names = ['jane', 'jim', 'joan', 'john', 'jon', 'judy', 'jules'].map(
      (name) => `${name}@example.com`,
    );
    const ids = await createUsers(scim, names);
    await createUsers(scim, ['other@example.com']);

    // GET /Users?filter=userName sw "J"&cursor&count=3 — an empty cursor asks for the first page.
    const first = await scim.get('/Users?filter=userName%20sw%20%22J%22&cursor&count=3');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 7,
      itemsPerPage: 3,
    });
    expect(first.body.previousCursor).toBeUndefined();
    expect(idsOf(first)).toEqual(ids.slice(0, 3));

    const query = 'filter=userName%20sw%20%22J%22&count=3';
    const second = await scim.get(`/Users?${query}&cursor=${first.body.nextCursor}`);
    expect(idsOf(second)).toEqual(ids.slice(3, 6));
    expect(second.body.previousCursor).toEqual(expect.any(String));
    const last = await scim.get(`/Users?${query}&cursor=${second.body.nextCursor}`);
    expect(idsOf(last)).toEqual(ids.slice(6));
    expect(last.body.nextCursor).toBeUndefined();

    const back = await scim.get(`/Users?${query}&cursor=${last.body.previousCursor}`);
    expect(idsOf(back)).toEqual(ids.slice(3, 6));
    const front = await scim.get(`/Users?${query}&cursor=${back.body.previousCursor}`);
    expect(idsOf(front)).toEqual(ids.slice(0, 3));
    expect(front.body.previousCursor).toBeUndefined();
    expect(front.body.nextCursor).toEqual(expect.any(String));
  });

  it('neither skips nor repeats a resource when others are created and deleted between pages', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const ids = await createUsers(scim, [
      'keep-a@example.com',
      'keep-b@example.com',
      'keep-c@example.com',
      'keep-d@example.com',
    ]);

    const first = await scim.get('/Users?cursor=&count=2');
    expect(idsOf(first)).toEqual(ids.slice(0, 2));
    // Deleting a resource already seen shifts every offset; a keyset cursor does not care.
    expect((await scim.delete(`/Users/${ids[0]}`)).status).toBe(204);
    const added = await scim.createUser('keep-e@example.com');

    const rest = await scim.get(`/Users?count=10&cursor=${first.body.nextCursor}`);
    expect(idsOf(rest)).toEqual([ids[2], ids[3], added]);
    expect(rest.body.totalResults).toBe(4);

    const byIndex = await scim.get('/Users?startIndex=3&count=10');
    expect(idsOf(byIndex)).toEqual([ids[3], added]);
  });

  it('takes cursor and count from a SearchRequest body', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const ids = await createUsers(scim, [
      'body-a@example.com',
      'body-b@example.com',
      'body-c@example.com',
    ]);

    const first = await scim.post('/Users/.search', {
      schemas: [SEARCH_REQUEST],
      cursor: '',
      count: 2,
    });
    expect(first.status).toBe(200);
    expect(idsOf(first)).toEqual(ids.slice(0, 2));
    const second = await scim.post('/Users/.search', {
      schemas: [SEARCH_REQUEST],
      cursor: first.body.nextCursor,
      count: 2,
    });
    expect(idsOf(second)).toEqual(ids.slice(2));
    expect(second.body.nextCursor).toBeUndefined();
  });
});

describe('sorting', () => {
  it('puts missing values last ascending and first descending, with index and cursor paging alike', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const nickNames: Record<string, string | undefined> = {
      'sort-1@example.com': 'Mango',
      'sort-2@example.com': undefined,
      'sort-3@example.com': 'apple',
      'sort-4@example.com': undefined,
      'sort-5@example.com': 'mango',
      'sort-6@example.com': 'Zucchini',
    };
    const ids = await createUsers(scim, Object.keys(nickNames), (name) =>
      nickNames[name] === undefined ? {} : { nickName: nickNames[name] },
    );
    const [s1, s2, s3, s4, s5, s6] = ids as [string, string, string, string, string, string];
    // nickName is caseExact false: "Mango" and "mango" tie and fall back to id order.
    const ascending = [s3, s1, s5, s6, s2, s4];
    const descending = [...ascending].reverse();

    const up = await scim.list('Users', { sortBy: 'nickName', count: 100 });
    expect(idsOf(up)).toEqual(ascending);
    const down = await scim.list('Users', {
      sortBy: 'nickName',
      sortOrder: 'descending',
      count: 100,
    });
    expect(idsOf(down)).toEqual(descending);

    expect((await walkCursors(scim, 'sortBy=nickName', 4)).flat()).toEqual(ascending);
    const downPages = await walkCursors(scim, 'sortBy=nickName&sortOrder=descending', 4);
    expect(downPages).toEqual([descending.slice(0, 4), descending.slice(4)]);
    expect((await walkCursors(scim, 'sortBy=nickName&sortOrder=descending', 1)).flat()).toEqual(
      descending,
    );
  });

  it('pages with cursors over dateTime and boolean sort keys', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const ids = await createUsers(scim, [
      't-1@example.com',
      't-2@example.com',
      't-3@example.com',
      't-4@example.com',
    ]);
    await scim.patch(`/Users/${ids[1]}`, [{ op: 'replace', path: 'active', value: false }]);

    const byCreation = await walkCursors(scim, 'sortBy=meta.created&sortOrder=descending', 3);
    expect(byCreation.flat()).toEqual([...ids].reverse());
    const byActive = await walkCursors(scim, 'sortBy=active', 1);
    expect(byActive.flat()).toEqual([ids[1], ids[0], ids[2], ids[3]]);
  });
});

describe('cursor errors', () => {
  it('refuses cursors it did not issue, of another query, or expired, with 400 and the RFC 9865 scimType', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await createUsers(scim, ['err-1@example.com', 'err-2@example.com', 'err-3@example.com']);
    const first = await scim.get('/Users?cursor=&count=1&sortBy=meta.created');
    const issued = first.body.nextCursor as string;

    expectScimError(await scim.get('/Users?cursor=not*a*cursor'), 400, 'invalidCursor');
    expectScimError(await scim.get('/Users?cursor=Z2FyYmFnZQ'), 400, 'invalidCursor');
    // A cursor belongs to its filter and sort.
    expectScimError(
      await scim.get(`/Users?cursor=${issued}&sortBy=userName`),
      400,
      'invalidCursor',
    );
    expectScimError(
      await scim.get(`/Users?cursor=${issued}&sortBy=meta.created&filter=userName%20pr`),
      400,
      'invalidCursor',
    );

    // A key that is not a timestamp would make PostgreSQL fail: it is the client's error, not a 500.
    const forged = encodeCursor({ ...decodeCursor(issued), key: '2024-02-30T00:00:00.000000Z' });
    expectScimError(
      await scim.get(`/Users?cursor=${forged}&sortBy=meta.created`),
      400,
      'invalidCursor',
    );

    const twoHoursAgo = Math.floor(Date.now() / 1000) - 7200;
    const expired = encodeCursor({ ...decodeCursor(issued), issuedAt: twoHoursAgo });
    const refused = await scim.get(`/Users?cursor=${expired}&sortBy=meta.created`);
    expectScimError(refused, 400, 'expiredCursor');
    expect(refused.body.detail).toMatch(/3600 seconds/);

    expectScimError(
      await scim.get(`/Users?cursor=${issued}&startIndex=2&sortBy=meta.created`),
      400,
      'invalidValue',
    );
    const stillGood = await scim.get(`/Users?cursor=${issued}&count=5&sortBy=meta.created`);
    expect(stillGood.body.Resources).toHaveLength(2);
  });
});

describe('the body of a search', () => {
  it('requires the SearchRequest schema on /.search', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await scim.post('/Users', userBody('schema@example.com'));

    for (const path of ['/Users/.search', '/Groups/.search', '/.search']) {
      const bare = await scim.post(path, { filter: 'userName pr' });
      expectScimError(bare, 400, 'invalidSyntax');
      expect(bare.body.detail).toContain(SEARCH_REQUEST);
    }
    const lowerCase = await scim.post('/Users/.search', {
      Schemas: [SEARCH_REQUEST.toLowerCase()],
      COUNT: 1,
    });
    expect(lowerCase.body).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
  });
});
