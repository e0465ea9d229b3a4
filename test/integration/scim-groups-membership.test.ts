import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import {
  GROUP_SCHEMA,
  LIST_RESPONSE,
  ScimClient,
  auditActions,
  expectScimError,
  expectScimJson,
  storedGroup,
  storedMemberIds,
  storedUser,
  tenantSnapshot,
} from '../support/scim-client';

/**
 * Group membership as the IdPs change it: Entra's legacy value lists, RFC
 * filters, Okta Group Push deltas, whole-list replaces and large groups.
 * Each test re-reads group_members, since PATCH /Groups answers 204 without a body.
 */

const ENTRA_WRITE = {
  'Content-Type': 'application/scim+json; charset=utf-8',
  ADSCIMVersion: '6.0',
};

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false, terminateSyncWorkflows: true });

function sorted(ids: string[]): string[] {
  return [...ids].sort();
}

/** The member ids a GET of the group answers with, sorted. */
async function listedMemberIds(scim: ScimClient, groupId: string): Promise<string[]> {
  const group = await scim.get(`/Groups/${groupId}`);
  expect(group.status).toBe(200);

  return sorted((group.body.members ?? []).map((member: { value: string }) => member.value));
}

async function groupUpdates(groupId: string) {
  const rows = await stack.database.db
    .selectFrom('audit_events')
    .select('details')
    .where('target_id', '=', groupId)
    .where('action', '=', 'scim.group.updated')
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();

  return rows.map((row) => row.details);
}

describe('group membership', () => {
  it('adds members in Entra\'s {"$ref": null} form and removes only the member of a Remove value list', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const u1 = await scim.createUser('ana.member@example.com');
    const u2 = await scim.createUser('ben.member@example.com');
    const created = await scim.post('/Groups', {
      schemas: [
        GROUP_SCHEMA,
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      displayName: 'Entra Field Crew',
      externalId: '0b8f2c9e-7f31-4c1e-9a55-2f4d1c0e7b21',
      meta: { resourceType: 'Group' },
    });
    expect(created.status).toBe(201);
    expectScimJson(created);
    const gid: string = created.body.id;

    const addFirst = await scim.patch(
      `/Groups/${gid}`,
      [{ op: 'Add', path: 'members', value: [{ $ref: null, value: u1 }] }],
      ENTRA_WRITE,
    );
    expect(addFirst.status).toBe(204);
    const addSecond = await scim.patch(
      `/Groups/${gid}`,
      [{ op: 'Add', path: 'members', value: [{ value: u2 }] }],
      ENTRA_WRITE,
    );
    expect(addSecond.status).toBe(204);
    expect(await listedMemberIds(scim, gid)).toEqual(sorted([u1, u2]));

    const renamed = await scim.patch(`/Groups/${gid}`, [
      { op: 'Replace', path: 'displayName', value: 'Entra Field Crew (renamed)' },
    ]);
    expect(renamed.status).toBe(204);

    const removed = await scim.patch(
      `/Groups/${gid}`,
      [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: u1 }] }],
      ENTRA_WRITE,
    );
    expect(removed.status).toBe(204);

    const group = await scim.get(`/Groups/${gid}`);
    expect(group.body).toMatchObject({
      displayName: 'Entra Field Crew (renamed)',
      members: [{ value: u2 }],
    });
    expect(group.body.members).toHaveLength(1);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([u2]);
    expect(await storedGroup(stack.database.db, gid)).toMatchObject({
      display_name: 'Entra Field Crew (renamed)',
      external_id: '0b8f2c9e-7f31-4c1e-9a55-2f4d1c0e7b21',
      version: 5,
    });
    expect((await groupUpdates(gid)).map((details) => details.member_operations)).toEqual([
      [{ op: 'add', count: 1 }],
      [{ op: 'add', count: 1 }],
      [],
      [{ op: 'remove', count: 1 }],
    ]);
  });

  it('removes only the member named by members[value eq "…"], also on OneLogin\'s "?"-suffixed URL', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const u1 = await scim.createUser('ines.moraga@example.com');
    const u2 = await scim.createUser('cato.verhoeven@example.com');
    const gid = await scim.createGroup('Filter Removal Team', [u1, u2]);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual(sorted([u1, u2]));

    const removed = await scim.patch(`/Groups/${gid}?`, [
      { op: 'remove', path: `members[value eq "${u1}"]` },
    ]);
    expect(removed.status).toBe(204);

    expect(await listedMemberIds(scim, gid)).toEqual([u2]);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([u2]);
    expect((await scim.get(`/Users/${u1}`)).status).toBe(200);
    expect((await storedUser(stack.database.db, u1)).deleted_at).toBeNull();
    expect(await groupUpdates(gid)).toEqual([
      expect.objectContaining({
        operation: 'patch',
        member_operations: [{ op: 'remove', count: 1 }],
      }),
    ]);
  });

  it('applies an Okta Group Push delta that removes by filter and adds in one PATCH, then deletes the group', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const [u1, u2, u3] = [
      await scim.createUser('gp.member1@example.com'),
      await scim.createUser('gp.member2@example.com'),
      await scim.createUser('gp.member3@example.com'),
    ];
    const pushed = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Okta Push Finance',
      members: [],
    });
    expect(pushed.status).toBe(201);
    expect(pushed.body.members ?? []).toEqual([]);
    const gid: string = pushed.body.id;

    const added = await scim.patch(`/Groups/${gid}`, [
      {
        op: 'add',
        path: 'members',
        value: [
          { value: u1, display: 'gp.member1@example.com' },
          { value: u2, display: 'gp.member2@example.com' },
        ],
      },
    ]);
    expect(added.status).toBe(204);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual(sorted([u1, u2]));

    const delta = await scim.patch(`/Groups/${gid}`, [
      { op: 'remove', path: `members[value eq "${u1}"]` },
      { op: 'add', path: 'members', value: [{ value: u3, display: 'gp.member3@example.com' }] },
    ]);
    expect(delta.status).toBe(204);
    expect(await listedMemberIds(scim, gid)).toEqual(sorted([u2, u3]));
    expect(await storedMemberIds(stack.database.db, gid)).toEqual(sorted([u2, u3]));

    // Okta renames a pushed group with a path-less replace that repeats the group's id.
    const renamed = await scim.patch(`/Groups/${gid}`, [
      { op: 'replace', value: { id: gid, displayName: 'Okta Push Finance EMEA' } },
    ]);
    expect(renamed.status).toBe(204);
    expect(await storedGroup(stack.database.db, gid)).toMatchObject({
      display_name: 'Okta Push Finance EMEA',
    });
    expect(await storedMemberIds(stack.database.db, gid)).toEqual(sorted([u2, u3]));
    const beforeForeignId = await storedGroup(stack.database.db, gid);
    const foreignId = await scim.patch(`/Groups/${gid}`, [
      { op: 'replace', value: { id: u2, displayName: 'Okta Push Finance APAC' } },
    ]);
    expectScimError(foreignId, 400, 'mutability');
    expect(foreignId.body.detail).toMatch(/"id" is read-only/);
    expect(await storedGroup(stack.database.db, gid)).toEqual(beforeForeignId);

    const deleted = await scim.delete(`/Groups/${gid}`);
    expect(deleted.status).toBe(204);
    expectScimError(await scim.get(`/Groups/${gid}`), 404);
    expect(await storedGroup(stack.database.db, gid)).toBeUndefined();
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([]);
    expect(await auditActions(stack.database.db, gid)).toEqual([
      'scim.group.created',
      'scim.group.updated',
      'scim.group.updated',
      'scim.group.updated',
      'scim.group.deleted',
    ]);
  });

  it('clears every member on a remove of "members" with neither filter nor value, and keeps the users', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const u1 = await scim.createUser('yara.kowalczyk@example.com');
    const u2 = await scim.createUser('felix.anand@example.com');
    const gid = await scim.createGroup('Remove All Team', [u1, u2]);

    const cleared = await scim.patch(`/Groups/${gid}`, [{ op: 'remove', path: 'members' }]);
    expect(cleared.status).toBe(204);

    const group = await scim.get(`/Groups/${gid}`);
    expect(group.body.displayName).toBe('Remove All Team');
    expect(group.body.members ?? []).toEqual([]);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([]);
    for (const id of [u1, u2]) {
      expect((await scim.get(`/Users/${id}`)).status).toBe(200);
      expect(await storedUser(stack.database.db, id)).toMatchObject({
        deleted_at: null,
        active: true,
      });
    }
    expect(await groupUpdates(gid)).toEqual([
      expect.objectContaining({ member_operations: [{ op: 'removeAll' }] }),
    ]);
  });

  it('treats adding a member who is already in the group as a no-op, with a path or without', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const uid = await scim.createUser('anouk.delacroix@example.com');
    const gid = await scim.createGroup('Duplicate Add Team');

    const first = await scim.patch(`/Groups/${gid}`, [
      { op: 'add', path: 'members', value: [{ value: uid }] },
    ]);
    expect(first.status).toBe(204);
    const afterFirst = await storedGroup(stack.database.db, gid);
    expect(afterFirst?.version).toBe(2);
    const etag = first.headers.get('etag');

    const again = await scim.patch(`/Groups/${gid}`, [
      { op: 'add', path: 'members', value: [{ value: uid, display: 'Anouk Delacroix' }] },
    ]);
    expect(again.status).toBe(204);
    const pathless = await scim.patch(`/Groups/${gid}`, [
      { op: 'add', value: { members: [{ value: uid }] } },
    ]);
    expect(pathless.status).toBe(204);

    const group = await scim.get(`/Groups/${gid}`);
    expect(group.body.members).toEqual([expect.objectContaining({ value: uid })]);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([uid]);
    // Nothing changed, so the version (and the ETag an IdP may send as If-Match) stays.
    expect(pathless.headers.get('etag')).toBe(etag);
    expect((await storedGroup(stack.database.db, gid))?.version).toBe(2);
    expect(await auditActions(stack.database.db, gid)).toEqual([
      'scim.group.created',
      'scim.group.updated',
    ]);
  });

  it('leaves exactly the supplied members after a PATCH replace or a PUT of the whole group', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const [u1, u2, u3] = [
      await scim.createUser('repmem.a@example.com'),
      await scim.createUser('repmem.b@example.com'),
      await scim.createUser('repmem.c@example.com'),
    ];
    const gid = await scim.createGroup('Replace Team', [u1, u2]);

    const replaced = await scim.patch(`/Groups/${gid}`, [
      { op: 'replace', path: 'members', value: [{ value: u2 }, { value: u3 }] },
    ]);
    expect(replaced.status).toBe(204);
    expect(await listedMemberIds(scim, gid)).toEqual(sorted([u2, u3]));
    expect(await storedMemberIds(stack.database.db, gid)).toEqual(sorted([u2, u3]));

    // Okta echoes id and display; Ping renames in the same PUT.
    const put = await scim.put(`/Groups/${gid}`, {
      schemas: [GROUP_SCHEMA],
      id: gid,
      displayName: 'Replace Team Renamed',
      members: [{ value: u3, display: 'Dmitri Sokolov' }],
    });
    expect(put.status).toBe(200);
    expectScimJson(put);
    expect(put.body).toMatchObject({
      id: gid,
      displayName: 'Replace Team Renamed',
      members: [{ value: u3 }],
    });
    expect(put.body.members).toHaveLength(1);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([u3]);

    // PUT replaces the resource: a body without members leaves none.
    const withoutMembers = await scim.put(`/Groups/${gid}`, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Replace Team Renamed',
    });
    expect(withoutMembers.status).toBe(200);
    expect(withoutMembers.body.members ?? []).toEqual([]);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([]);
    expect(await storedGroup(stack.database.db, gid)).toMatchObject({
      display_name: 'Replace Team Renamed',
      version: 4,
    });
    expect((await groupUpdates(gid)).map((details) => details.operation)).toEqual([
      'patch',
      'replace',
      'replace',
    ]);
  });

  it('keeps every member of a group over 100, built by paging through the users', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    for (let n = 1; n <= 102; n += 1) {
      await scim.createUser(`bulkgrp-${String(n).padStart(3, '0')}@example.com`);
    }

    const userIds: string[] = [];
    for (let startIndex = 1; startIndex <= 102; startIndex += 40) {
      const page = await scim.list('Users', {
        filter: 'userName sw "bulkgrp-"',
        startIndex,
        count: 40,
      });
      expect(page.body).toMatchObject({ totalResults: 102, startIndex });
      userIds.push(...page.body.Resources.map((user: { id: string }) => user.id));
    }
    expect(new Set(userIds).size).toBe(102);
    const [first, ...rest] = userIds as [string, ...string[]];
    const last = rest.pop() as string;

    const gid = await scim.createGroup('Bulk Team');
    const added = await scim.patch(`/Groups/${gid}`, [
      { op: 'add', path: 'members', value: [first, ...rest].map((value) => ({ value })) },
    ]);
    expect(added.status).toBe(204);
    expect(await listedMemberIds(scim, gid)).toHaveLength(101);

    await scim.patch(`/Groups/${gid}`, [{ op: 'add', path: 'members', value: [{ value: last }] }]);
    expect(await listedMemberIds(scim, gid)).toEqual(sorted(userIds));

    await scim.patch(`/Groups/${gid}`, [{ op: 'remove', path: `members[value eq "${first}"]` }]);
    expect(await listedMemberIds(scim, gid)).toEqual(sorted([...rest, last]));
    expect(await storedMemberIds(stack.database.db, gid)).toEqual(sorted([...rest, last]));
  });

  it('lists a page of several groups, each with its own members as GET of the group shows them', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const ana = await scim.createUser('ana.page@example.com');
    const ben = await scim.createUser('ben.page@example.com');
    const cleo = await scim.createUser('cleo.page@example.com', { displayName: undefined });
    const dan = await scim.createUser('dan.page@example.com');
    const expected = {
      'Page A': [ben, ana, cleo],
      'Page B': [cleo],
      'Page C': [],
      'Page D': [dan, ana],
    };
    // cleo has no displayName, so her member references carry none.
    const displays = new Map([
      [ana, 'Test ana.page'],
      [ben, 'Test ben.page'],
      [dan, 'Test dan.page'],
    ]);
    const groupIds = new Map<string, string>();
    for (const [name, members] of Object.entries(expected)) {
      groupIds.set(name, await scim.createGroup(name, members));
    }
    // A group of the tenant outside the page, sharing a member, must not leak into it.
    await scim.createGroup('Other', [ana, ben, cleo, dan]);

    const page = await scim.list('Groups', {
      filter: 'displayName sw "Page "',
      sortBy: 'displayName',
    });
    expect(page.body).toMatchObject({ totalResults: 4, itemsPerPage: 4 });
    const listed: Array<{ id: string; displayName: string; members?: unknown[] }> =
      page.body.Resources;
    expect(listed.map((group) => group.displayName)).toEqual(Object.keys(expected));
    const scimBase = `${stack.baseUrl}/scim/v2`;
    for (const group of listed) {
      const memberIds = sorted(expected[group.displayName as keyof typeof expected]);
      expect(group.id).toBe(groupIds.get(group.displayName));
      expect(group.members ?? []).toEqual(
        memberIds.map((id) => ({
          value: id,
          $ref: `${scimBase}/Users/${id}`,
          type: 'User',
          ...(displays.has(id) ? { display: displays.get(id) } : {}),
        })),
      );
      const single = await scim.get(`/Groups/${group.id}`);
      expect(group.members).toEqual(single.body.members);
      expect(await storedMemberIds(stack.database.db, group.id)).toEqual(memberIds);
    }

    const excluded = await scim.list('Groups', {
      filter: 'displayName sw "Page "',
      excludedAttributes: 'members',
    });
    expect(excluded.body.totalResults).toBe(4);
    for (const group of excluded.body.Resources) expect(group).not.toHaveProperty('members');
  });

  it('refuses a member id that is no user of the tenant with 400 invalidValue and changes nothing', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const other = await ScimClient.forNewTenant(stack, 'Other tenant');
    const member = await scim.createUser('ilse.marchetti@example.com');
    const newcomer = await scim.createUser('karl.newcomer@example.com');
    const foreigner = await other.createUser('someone.else@example.com');
    const gid = await scim.createGroup('Ghost Member Team', [member]);
    const phantom = '00000000-0000-4000-8000-00000000dead';
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);

    const unknown = await scim.patch(`/Groups/${gid}`, [
      { op: 'add', path: 'members', value: [{ value: newcomer }, { value: phantom }] },
    ]);
    expectScimError(unknown, 400, 'invalidValue');
    expect(unknown.body.detail).toContain(phantom);

    const crossTenant = await scim.patch(`/Groups/${gid}`, [
      { op: 'replace', path: 'members', value: [{ value: foreigner }] },
    ]);
    expectScimError(crossTenant, 400, 'invalidValue');
    expect(crossTenant.body.detail).toContain(foreigner);

    const phantomGroup = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Ghost Phantom Team',
      members: [{ value: phantom }],
    });
    expectScimError(phantomGroup, 400, 'invalidValue');

    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([member]);
    expect(
      (await scim.list('Groups', { filter: 'displayName eq "Ghost Phantom Team"' })).body
        .totalResults,
    ).toBe(0);
    expectScimError(await scim.get(`/Users/${phantom}`), 404);
  });

  it('answers Entra and Google membership checks that filter on id and members', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const u1 = await scim.createUser('fae.member@example.com');
    const u2 = await scim.createUser('gil.member@example.com');
    const gid = await scim.createGroup('Membership Probe', [u1]);
    await scim.createGroup('Another Group', [u1, u2]);
    const isMember = async (filter: string, expected: 0 | 1) => {
      const result = await scim.list('Groups', { filter, attributes: 'id' });
      expect(result.status).toBe(200);
      expectScimJson(result);
      expect(result.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: expected });
      if (expected === 1) {
        expect(result.body.Resources).toEqual([expect.objectContaining({ id: gid })]);
        expect(result.body.Resources[0]).not.toHaveProperty('displayName');
        expect(result.body.Resources[0]).not.toHaveProperty('members');
      }
    };

    await isMember(`id eq "${gid}" and members[value eq "${u1}"]`, 1);
    await isMember(`id eq "${gid}" and members[value eq "${u2}"]`, 0);
    await isMember(`id eq "${gid}" and members eq "${u1}"`, 1);
    await isMember(`id eq "${gid}" and members eq "${u2}"`, 0);

    await scim.patch(`/Groups/${gid}`, [{ op: 'add', path: 'members', value: [{ value: u2 }] }]);
    await isMember(`id eq "${gid}" and members eq "${u2}"`, 1);
    await scim.patch(`/Groups/${gid}`, [{ op: 'remove', path: 'members', value: [{ value: u1 }] }]);
    await isMember(`id eq "${gid}" and members eq "${u1}"`, 0);
    await isMember(`id eq "${gid}" and members[value eq "${u2}"]`, 1);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([u2]);
  });
});
