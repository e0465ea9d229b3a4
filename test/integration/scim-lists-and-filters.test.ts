import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import {
  LIST_RESPONSE,
  ScimClient,
  auditActions,
  expectScimError,
  expectScimJson,
  storedUser,
} from '../support/scim-client';

/**
 * The lookups IdPs run before every write (RFC 7644 §3.4.2): filters in the
 * forms Okta, Entra and the bridges send, and paging through imports. Each
 * test has a tenant of its own, so totalResults is exact.
 */

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false, terminateSyncWorkflows: true });

/** The ids a filtered GET /Users answers with, sorted, after checking the ListResponse. */
async function matchingIds(scim: ScimClient, filter: string): Promise<string[]> {
  const result = await scim.list('Users', { filter });
  expect([filter, result.status]).toEqual([filter, 200]);
  expectScimJson(result);
  expect(result.body.schemas).toEqual([LIST_RESPONSE]);
  const ids: string[] = (result.body.Resources ?? []).map((user: { id: string }) => user.id);
  expect([filter, result.body.totalResults]).toEqual([filter, ids.length]);

  return ids.sort();
}

describe('filters', () => {
  it('matches userName and Group displayName with eq and sw whatever the case', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('CaseMix.User@Example.COM');
    await scim.createUser('someone.else@example.com');
    const gid = await scim.createGroup('Mixed Case Team');
    await scim.createGroup('Another Team');

    expect(await matchingIds(scim, 'userName eq "casemix.user@example.com"')).toEqual([id]);
    expect(await matchingIds(scim, 'userName eq "CASEMIX.USER@EXAMPLE.COM"')).toEqual([id]);
    expect(await matchingIds(scim, 'userName sw "casemix.user"')).toEqual([id]);
    const groups = await scim.list('Groups', { filter: 'displayName eq "mixed case team"' });
    expect(groups.body).toMatchObject({ totalResults: 1, Resources: [{ id: gid }] });

    // Matching ignores case; storing does not.
    expect((await storedUser(stack.database.db, id)).user_name).toBe('CaseMix.User@Example.COM');
  });

  it('matches externalId case-exactly, also after a path-less add changes it', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('tova.reinholt@example.com', { externalId: 'ExtA-1' });

    expect(await matchingIds(scim, 'externalId eq "ExtA-1"')).toEqual([id]);
    expect(await matchingIds(scim, 'externalId eq "exta-1"')).toEqual([]);

    const patched = await scim.patch(`/Users/${id}`, [
      { op: 'add', value: { externalId: 'ExtB-1' } },
    ]);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      externalId: 'ExtB-1',
      userName: 'tova.reinholt@example.com',
    });
    expect(await storedUser(stack.database.db, id)).toMatchObject({
      external_id: 'ExtB-1',
      version: 2,
    });
    expect(await auditActions(stack.database.db, id)).toEqual([
      'scim.user.created',
      'scim.user.updated',
    ]);

    expect(await matchingIds(scim, 'externalId eq "ExtB-1"')).toEqual([id]);
    expect(await matchingIds(scim, 'externalId eq "ExtA-1"')).toEqual([]);
  });

  it('matches e-mails by emails.value, by a value filter and by Entra\'s emails[type eq "work"].value, within one element', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const owner = await scim.createUser('sunniva.halvorsen@example.com', {
      emails: [
        { value: 'work-sh@example.com', type: 'work', primary: true },
        { value: 'home-sh@example.net', type: 'home' },
      ],
    });
    // Holds the owner's work address, but as a home address.
    const decoy = await scim.createUser('decoy@example.com', {
      emails: [
        { value: 'decoy@example.com', type: 'work', primary: true },
        { value: 'work-sh@example.com', type: 'home' },
      ],
    });

    expect(await matchingIds(scim, 'emails.value eq "home-sh@example.net"')).toEqual([owner]);
    expect(await matchingIds(scim, 'emails.value eq "work-sh@example.com"')).toEqual(
      [owner, decoy].sort(),
    );
    expect(
      await matchingIds(scim, 'emails[type eq "work" and value eq "work-sh@example.com"]'),
    ).toEqual([owner]);
    expect(
      await matchingIds(scim, 'emails[type eq "work"].value eq "work-sh@example.com"'),
    ).toEqual([owner]);
    expect(await matchingIds(scim, 'emails[value ew "-sh@example.net"]')).toEqual([owner]);
    expect(
      await matchingIds(scim, 'emails[type eq "work" and value eq "home-sh@example.net"]'),
    ).toEqual([]);
  });

  it('combines and, or, not and parentheses with pr, sw, ew and co', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const a = await scim.createUser('logic-a@example.com', {
      name: { givenName: 'Lyra', familyName: 'Lovelace' },
      emails: [{ value: 'lyra@example.org', type: 'work', primary: true }],
      title: 'Cartographer',
    });
    const b = await scim.createUser('logic-b@example.com', {
      name: { givenName: 'Milo', familyName: 'Babbage' },
      emails: [{ value: 'milo@example.net', type: 'work', primary: true }],
    });
    await scim.createUser('unrelated@example.com', { title: 'Cartographer', active: false });
    const either = '(userName eq "logic-a@example.com" or userName eq "logic-b@example.com")';

    expect(await matchingIds(scim, `${either} and active eq true`)).toEqual([a, b].sort());
    expect(
      await matchingIds(scim, 'name.familyName eq "Lovelace" and (emails.value co "example.org")'),
    ).toEqual([a]);
    expect(await matchingIds(scim, `${either} and title pr`)).toEqual([a]);
    expect(await matchingIds(scim, `${either} and not (title pr)`)).toEqual([b]);
    expect(await matchingIds(scim, 'userName sw "logic-" and userName ew "@example.com"')).toEqual(
      [a, b].sort(),
    );
    expect(
      await matchingIds(
        scim,
        `(${either}) and (name.givenName eq "Milo" or name.givenName eq "Nobody")`,
      ),
    ).toEqual([b]);
    expect(await matchingIds(scim, 'title pr and not (active eq true)')).toHaveLength(1);
  });

  it('answers 400 invalidFilter to a filter it cannot parse', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await scim.createUser('anyone@example.com');

    for (const filter of ['userName eq', '(userName eq "anyone@example.com"', 'userName zz "x"']) {
      const result = await scim.list('Users', { filter });
      expectScimError(result, 400, 'invalidFilter');
    }
  });
});

describe('pagination', () => {
  it('pages with startIndex and count without overlap, and normalises out-of-range values', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    for (const letter of ['a', 'b', 'c', 'd', 'e'])
      await scim.createUser(`pg-${letter}@example.com`);
    await scim.createUser('not-paged@example.com');
    const page = async (parameters: Record<string, string | number>) => {
      const result = await scim.list('Users', { filter: 'userName sw "pg-"', ...parameters });
      expect(result.status).toBe(200);
      expectScimJson(result);
      expect(result.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 5 });
      const ids: string[] = (result.body.Resources ?? []).map((user: { id: string }) => user.id);
      expect(result.body.itemsPerPage).toBe(ids.length);

      return { ids, startIndex: result.body.startIndex as number };
    };

    const first = await page({ startIndex: 1, count: 2 });
    const second = await page({ startIndex: 3, count: 2 });
    const last = await page({ startIndex: 5, count: 2 });
    expect([first.ids.length, second.ids.length, last.ids.length]).toEqual([2, 2, 1]);
    expect([first.startIndex, second.startIndex, last.startIndex]).toEqual([1, 3, 5]);
    expect(new Set([...first.ids, ...second.ids, ...last.ids]).size).toBe(5);
    expect((await page({ startIndex: 1, count: 2 })).ids).toEqual(first.ids);

    expect((await page({})).ids).toHaveLength(5);
    expect((await page({ startIndex: 6, count: 2 })).ids).toEqual([]);
    expect((await page({ count: 0 })).ids).toEqual([]);
    expect((await page({ count: -1 })).ids).toEqual([]);
    expect(await page({ startIndex: 0, count: 2 })).toEqual({ ids: first.ids, startIndex: 1 });
    expect(await page({ startIndex: -5, count: 10 })).toEqual({
      ids: [...first.ids, ...second.ids, ...last.ids],
      startIndex: 1,
    });

    expectScimError(await scim.list('Users', { count: 'ten' }), 400, 'invalidValue');
  });

  it("answers Okta's import pages with itemsPerPage equal to the resources returned", async () => {
    const scim = await ScimClient.forNewTenant(stack);
    for (const name of ['ines.valdes', 'hamid.rostami', 'maya.okonkwo'])
      await scim.createUser(`${name}@example.com`);
    await scim.createGroup('Imported Group');
    const okta = { 'User-Agent': 'OKTA SCIM Integration', Accept: 'application/scim+json' };

    const one = await scim.get('/Users?count=1&startIndex=1', okta);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 3,
      itemsPerPage: 1,
      startIndex: 1,
    });
    expect(one.body.Resources).toEqual([
      expect.objectContaining({ id: expect.any(String), userName: expect.any(String) }),
    ]);

    const hundred = await scim.get('/Users?startIndex=1&count=100', okta);
    expect(hundred.body).toMatchObject({ totalResults: 3, itemsPerPage: 3, startIndex: 1 });
    expect(hundred.body.Resources).toHaveLength(3);

    const groups = await scim.get('/Groups?startIndex=1&count=100', okta);
    expect(groups.status).toBe(200);
    expectScimJson(groups);
    expect(groups.body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      itemsPerPage: 1,
      startIndex: 1,
    });
  });
});
