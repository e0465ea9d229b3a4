import { randomUUID } from 'node:crypto';
import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import {
  ENTERPRISE_USER,
  LIST_RESPONSE,
  ScimClient,
  USER_SCHEMA,
  auditActions,
  expectScimJson,
  fixture,
  storedUser,
  tenantSnapshot,
} from '../support/scim-client';

/**
 * The User request shapes Okta, Entra, Ping and a Google Workspace bridge
 * really send, each of which broke some SCIM server: one test per shape,
 * asserting the answer and then what the database holds.
 */

const OKTA = { 'User-Agent': 'Okta SCIM Client 1.0.0', Accept: 'application/scim+json' };
const OKTA_WRITE = { ...OKTA, 'Content-Type': 'application/scim+json; charset=utf-8' };
const GOOGLE = { 'User-Agent': 'Go-http-client/1.1' };

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false, terminateSyncWorkflows: true });

function userNameFilter(userName: string): string {
  return `filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
}

async function auditDetails(targetId: string, action: string) {
  const rows = await stack.database.db
    .selectFrom('audit_events')
    .select('details')
    .where('target_id', '=', targetId)
    .where('action', '=', action)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();

  return rows.map((row) => row.details);
}

async function deprovisionEvents(userId: string) {
  return stack.database.db
    .selectFrom('sync_events')
    .select(['kind', 'payload'])
    .where('resource_id', '=', userId)
    .where('kind', '=', 'deprovision')
    .execute();
}

describe('Okta user provisioning', () => {
  it('finds no user before an Okta create, drops the password it sends and then finds exactly that user', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const lookup = `/Users?${userNameFilter('maya.okonkwo@example.com')}&startIndex=1&count=100`;

    const before = await scim.get(lookup, OKTA);
    expect(before.status).toBe(200);
    expectScimJson(before);
    expect(before.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 0 });

    const created = await scim.post('/Users', fixture('okta-create-user.json'), OKTA_WRITE);
    expect(created.status).toBe(201);
    expectScimJson(created);
    expect(created.body).toMatchObject({
      userName: 'maya.okonkwo@example.com',
      displayName: 'Maya Okonkwo',
      locale: 'en-US',
      active: true,
      groups: [],
    });
    expect(created.body).not.toHaveProperty('password');
    const id: string = created.body.id;

    const read = await scim.get(`/Users/${id}`, OKTA);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, userName: 'maya.okonkwo@example.com', locale: 'en-US' });
    expect(read.body).not.toHaveProperty('password');

    const after = await scim.get(lookup, OKTA);
    expect(after.body).toMatchObject({
      totalResults: 1,
      Resources: [{ id, userName: 'maya.okonkwo@example.com' }],
    });

    const row = await storedUser(stack.database.db, id);
    expect(row).toMatchObject({
      user_name: 'maya.okonkwo@example.com',
      external_id: '00u1x7okta01',
      active: true,
    });
    expect(row.resource).toMatchObject({
      locale: 'en-US',
      name: { givenName: 'Maya', familyName: 'Okonkwo' },
    });
    expect(JSON.stringify(row.resource)).not.toContain('pW7#kq2Lm9');
    expect(await auditActions(stack.database.db, id)).toEqual(['scim.user.created']);
  });

  it('deactivates and reactivates on a path-less replace of {active}, keeping every other attribute', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('sunniva.berg@example.com');
    const original = await storedUser(stack.database.db, id);

    const deactivated = await scim.patch(
      `/Users/${id}`,
      [{ op: 'replace', value: { active: false } }],
      OKTA_WRITE,
    );
    expect(deactivated.status).toBe(200);
    expectScimJson(deactivated);
    expect(deactivated.body).toMatchObject({
      id,
      active: false,
      userName: 'sunniva.berg@example.com',
      name: { givenName: 'Test', familyName: 'sunniva.berg' },
      emails: [{ value: 'sunniva.berg@example.com', type: 'work', primary: true }],
    });

    // Still retrievable and searchable while inactive.
    expect((await scim.get(`/Users/${id}`, OKTA)).body).toMatchObject({ active: false });
    const found = await scim.get(
      `/Users?${userNameFilter('sunniva.berg@example.com')}&startIndex=1&count=100`,
    );
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id, active: false }] });

    const inactive = await storedUser(stack.database.db, id);
    expect(inactive).toMatchObject({ active: false, user_name: original.user_name, version: 2 });
    expect(inactive.resource).toEqual(original.resource);
    expect(await deprovisionEvents(id)).toEqual([
      { kind: 'deprovision', payload: { reason: 'deactivated' } },
    ]);

    const reactivated = await scim.patch(
      `/Users/${id}`,
      [{ op: 'replace', value: { active: true } }],
      OKTA_WRITE,
    );
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ active: true, userName: 'sunniva.berg@example.com' });

    const active = await storedUser(stack.database.db, id);
    expect(active).toMatchObject({ active: true, version: 3 });
    expect(active.resource).toEqual(original.resource);
    expect(await auditActions(stack.database.db, id)).toEqual([
      'scim.user.created',
      'scim.user.updated',
      'scim.user.updated',
      'user.reactivated',
    ]);
    expect(await auditDetails(id, 'scim.user.updated')).toEqual([
      { operation: 'patch', attributes: ['active'] },
      { operation: 'patch', attributes: ['active'] },
    ]);
  });

  it('applies an Okta profile PUT that echoes id, groups and meta', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const created = await scim.post('/Users', fixture('okta-create-user.json'), OKTA_WRITE);
    const id: string = created.body.id;
    expect((await scim.get(`/Users/${id}`, OKTA)).status).toBe(200);

    const withMiddleName = { ...fixture('okta-put-user.json'), id };
    const first = await scim.put(`/Users/${id}`, withMiddleName, OKTA_WRITE);
    expect(first.status).toBe(200);
    expectScimJson(first);
    expect(first.body).toMatchObject({
      id,
      userName: 'maya.okonkwo@example.com',
      name: { givenName: 'Maya', middleName: 'Jalil', familyName: 'Okonkwo' },
      active: true,
      emails: [{ value: 'maya.okonkwo@example.com' }],
    });

    const renamed = fixture('okta-put-user.json');
    renamed.name.givenName = 'Hamed';
    const second = await scim.put(`/Users/${id}`, { ...renamed, id }, OKTA_WRITE);
    expect(second.status).toBe(200);
    expect(second.body.name).toEqual({
      givenName: 'Hamed',
      middleName: 'Jalil',
      familyName: 'Okonkwo',
    });

    const read = await scim.get(`/Users/${id}`, OKTA);
    expect(read.body).toMatchObject({
      name: { givenName: 'Hamed', middleName: 'Jalil', familyName: 'Okonkwo' },
      active: true,
    });

    const row = await storedUser(stack.database.db, id);
    expect(row).toMatchObject({ version: 3, active: true });
    expect(row.resource.name).toEqual({
      givenName: 'Hamed',
      middleName: 'Jalil',
      familyName: 'Okonkwo',
    });
    expect(row.resource).not.toHaveProperty('meta');
    expect(row.resource).not.toHaveProperty('groups');
    expect(await auditActions(stack.database.db, id)).toEqual([
      'scim.user.created',
      'scim.user.updated',
      'scim.user.updated',
    ]);
    const details = await auditDetails(id, 'scim.user.updated');
    expect(details.map((detail) => detail.operation)).toEqual(['replace', 'replace']);
  });
});

describe('Microsoft Entra user provisioning', () => {
  it('creates a user with the enterprise extension and finds it by externalId and by userName', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const body = fixture('entra-create-user.json');

    const created = await scim.post('/Users', body);
    expect(created.status).toBe(201);
    expectScimJson(created);
    expect(created.body.schemas).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE_USER]));
    expect(created.body).toMatchObject({
      externalId: body.externalId,
      userName: body.userName,
      active: true,
      meta: { resourceType: 'User' },
      [ENTERPRISE_USER]: {
        department: 'Procurement',
        employeeNumber: 'E-0042',
        costCenter: 'CC-4410',
      },
    });
    const id: string = created.body.id;

    const read = await scim.get(`/Users/${id}`);
    expect(read.body).toMatchObject({
      id,
      title: 'Procurement Analyst',
      emails: [{ type: 'work' }],
      [ENTERPRISE_USER]: { division: 'Operations' },
    });

    const byExternalId = await scim.list('Users', { filter: `externalId eq "${body.externalId}"` });
    expect(byExternalId.body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      Resources: [{ id }],
    });
    const byUserName = await scim.list('Users', { filter: `userName eq "${body.userName}"` });
    expect(byUserName.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });

    const row = await storedUser(stack.database.db, id);
    expect(row).toMatchObject({
      user_name: body.userName,
      external_id: body.externalId,
      source: 'scim',
    });
    expect(row.resource[ENTERPRISE_USER]).toEqual(body[ENTERPRISE_USER]);
    expect(await auditActions(stack.database.db, id)).toEqual(['scim.user.created']);
  });

  it('answers the Test Connection lookup of a random GUID with 200 and an empty ListResponse', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    await scim.createUser('existing.user@example.com');
    await scim.createGroup('Existing Group');
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);
    const guid = randomUUID();

    for (const filter of [`userName eq "${guid}"`, `externalId eq "${guid}"`]) {
      const result = await scim.list('Users', { filter });
      expect(result.status).toBe(200);
      expectScimJson(result);
      expect(result.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 0 });
      expect(result.body.Resources ?? []).toEqual([]);
    }
    const groups = await scim.list('Groups', {
      excludedAttributes: 'members',
      filter: `displayName eq "${guid}"`,
    });
    expect(groups.status).toBe(200);
    expect(groups.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 0 });

    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
  });

  it('accepts the capitalised op names "Replace", "Add" and "Remove"', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('rowan.tessaly@example.com');

    const updated = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'displayName', value: 'Rowan Tessaly-Vane' },
      { op: 'Add', path: 'title', value: 'Surveyor' },
    ]);
    expect(updated.status).toBe(200);
    expectScimJson(updated);
    expect(updated.body).toMatchObject({ displayName: 'Rowan Tessaly-Vane', title: 'Surveyor' });

    const removed = await scim.patch(`/Users/${id}`, [{ op: 'Remove', path: 'title' }]);
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('title');
    expect(removed.body.displayName).toBe('Rowan Tessaly-Vane');

    const row = await storedUser(stack.database.db, id);
    expect(row.resource.displayName).toBe('Rowan Tessaly-Vane');
    expect(row.resource).not.toHaveProperty('title');
    expect(await auditDetails(id, 'scim.user.updated')).toEqual([
      { operation: 'patch', attributes: ['displayName', 'title'] },
      { operation: 'patch', attributes: ['title'] },
    ]);
  });

  it('stores active sent as the strings "False" and "True" as JSON booleans', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('oskar.nieminen@example.com');

    const disabled = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'active', value: 'False' },
    ]);
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);
    expect((await scim.get(`/Users/${id}`)).body.active).toBe(false);
    const inactive = await storedUser(stack.database.db, id);
    expect(inactive.active).toBe(false);
    expect(inactive.resource).not.toHaveProperty('active');

    const enabled = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'active', value: 'True' },
    ]);
    expect(enabled.status).toBe(200);
    expect(enabled.body.active).toBe(true);
    expect((await storedUser(stack.database.db, id)).active).toBe(true);

    // With the aadOptscim062020 flag Entra sends a real boolean.
    const flagForm = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: 'active', value: false },
    ]);
    expect(flagForm.body.active).toBe(false);
    expect((await storedUser(stack.database.db, id)).active).toBe(false);
    expect(await auditActions(stack.database.db, id)).toEqual([
      'scim.user.created',
      'scim.user.updated',
      'scim.user.updated',
      'user.reactivated',
      'scim.user.updated',
    ]);
  });

  it('sets the primary app role through roles[primary eq "True"], the path of its role mappings', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('ilse.vandenberg@example.com');
    const roles = await scim.patch(`/Users/${id}`, [
      {
        op: 'Add',
        path: 'roles',
        value: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'Reader' }],
      },
    ]);
    expect(roles.status).toBe(200);

    const replaced = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'roles[primary eq "True"].value', value: 'Admin' },
      { op: 'Replace', path: 'roles[primary eq "True"].display', value: 'Administrator' },
    ]);

    expect(replaced.status).toBe(200);
    expect(replaced.body.roles).toEqual([
      { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin', display: 'Administrator' },
    ]);
    expect((await storedUser(stack.database.db, id)).resource.roles).toEqual(replaced.body.roles);
    const found = await scim.get(
      `/Users?filter=${encodeURIComponent(`id eq "${id}" and roles[primary eq "True" and value eq "Admin"]`)}`,
    );
    expect(found.body.totalResults).toBe(1);
  });

  it('applies a path-less replace or add whose value keys are attribute paths', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('ada.quenby@example.com', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      name: { givenName: 'Ada', familyName: 'Quenby' },
      [ENTERPRISE_USER]: { employeeNumber: 'E0' },
    });

    const replaced = await scim.patch(
      `/Users/${id}`,
      fixture('entra-patch-dotted-keys.json').Operations,
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      displayName: 'Kiri Mahuta',
      name: { givenName: 'Kiri', familyName: 'Mahuta' },
      [ENTERPRISE_USER]: { employeeNumber: 'E1' },
    });
    expect(replaced.body).not.toHaveProperty(['name.givenName']);

    const added = await scim.patch(`/Users/${id}`, [
      { op: 'add', value: { title: 'Navigator', 'name.middleName': 'Ora' } },
    ]);
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      title: 'Navigator',
      name: { givenName: 'Kiri', middleName: 'Ora' },
    });

    const row = await storedUser(stack.database.db, id);
    expect(row.resource.name).toEqual({
      givenName: 'Kiri',
      middleName: 'Ora',
      familyName: 'Mahuta',
    });
    expect(row.resource[ENTERPRISE_USER]).toEqual({ employeeNumber: 'E1' });
    expect(Object.keys(row.resource).sort()).toEqual(
      ['displayName', 'emails', 'name', 'title', ENTERPRISE_USER].sort(),
    );
    expect(row.version).toBe(3);
  });

  it('replaces only the value of the e-mail matched by emails[type eq "work"].value', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('priya.castellane@example.com', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      name: { givenName: 'Priya', familyName: 'Castellane' },
      emails: [
        { value: 'priya.old@example.com', type: 'work', primary: true },
        { value: 'priya@home.example', type: 'home' },
      ],
    });
    const emails = [
      { value: 'priya.new@example.com', type: 'work', primary: true },
      { value: 'priya@home.example', type: 'home' },
    ];

    const patched = await scim.patch(
      `/Users/${id}`,
      fixture('entra-patch-work-email.json').Operations,
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      emails,
      name: { givenName: 'Priya', familyName: 'Castellane-Roe' },
      [ENTERPRISE_USER]: { department: 'Retail' },
    });
    expect(JSON.stringify(patched.body)).not.toContain('emails[type');

    const row = await storedUser(stack.database.db, id);
    expect(row.resource.emails).toEqual(emails);
    expect(row.resource[ENTERPRISE_USER]).toEqual({ department: 'Retail' });
    expect(await auditDetails(id, 'scim.user.updated')).toEqual([
      { operation: 'patch', attributes: ['emails', 'name', ENTERPRISE_USER] },
    ]);
  });

  it('takes the manager as a plain id, on create and on a URN path, and answers with manager.value', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const first = await scim.createUser('odile.varga@example.com');
    const second = await scim.createUser('bastien.achterberg@example.com');
    const id = await scim.createUser('nell.sorensen@example.com', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      [ENTERPRISE_USER]: { employeeNumber: 'R-1', manager: first },
    });
    const managerPath = `${ENTERPRISE_USER}:manager`;
    const managerOf = async () =>
      (await storedUser(stack.database.db, id)).resource[ENTERPRISE_USER] as Record<
        string,
        unknown
      >;

    const read = await scim.get(`/Users/${id}`);
    expect(read.body[ENTERPRISE_USER]).toMatchObject({
      employeeNumber: 'R-1',
      manager: { value: first },
    });
    expect(await managerOf()).toMatchObject({ manager: { value: first } });

    const replaced = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: managerPath, value: second },
    ]);
    expect(replaced.status).toBe(200);
    expect(replaced.body[ENTERPRISE_USER].manager).toMatchObject({ value: second });
    expect(await managerOf()).toMatchObject({ manager: { value: second } });

    const added = await scim.patch(`/Users/${id}`, [
      { op: 'Add', path: managerPath, value: first },
    ]);
    expect(added.body[ENTERPRISE_USER].manager).toMatchObject({ value: first });

    const asObject = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: managerPath, value: { value: second } },
    ]);
    expect(asObject.body[ENTERPRISE_USER].manager).toMatchObject({ value: second });
    expect(await managerOf()).toMatchObject({ manager: { value: second } });
    expect(typeof (await managerOf()).manager).toBe('object');
  });

  it('patches extension and core attributes through URN-qualified paths', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const manager = await scim.createUser('greta.lindqvist@example.com');
    const id = await scim.createUser('hugo.ferreira@example.com', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      name: { givenName: 'Hugo', familyName: 'Ferreira' },
      [ENTERPRISE_USER]: {
        costCenter: 'CC-100',
        department: 'Survey',
        manager: { value: manager },
      },
    });

    const costCenter = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: `${ENTERPRISE_USER}:costCenter`, value: 'CC-200' },
    ]);
    expect(costCenter.status).toBe(200);
    expect(costCenter.body[ENTERPRISE_USER]).toMatchObject({
      costCenter: 'CC-200',
      department: 'Survey',
      manager: { value: manager },
    });

    const noManager = await scim.patch(`/Users/${id}`, [
      { op: 'remove', path: `${ENTERPRISE_USER}:manager` },
    ]);
    expect(noManager.status).toBe(200);
    expect(noManager.body[ENTERPRISE_USER]).not.toHaveProperty('manager');
    expect(noManager.body[ENTERPRISE_USER].costCenter).toBe('CC-200');

    const familyName = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: `${USER_SCHEMA}:name.familyName`, value: 'Ferreira-Lund' },
    ]);
    expect(familyName.status).toBe(200);
    expect(familyName.body.name).toEqual({ givenName: 'Hugo', familyName: 'Ferreira-Lund' });

    const row = await storedUser(stack.database.db, id);
    expect(row.resource[ENTERPRISE_USER]).toEqual({ costCenter: 'CC-200', department: 'Survey' });
    expect(row.resource.name).toEqual({ givenName: 'Hugo', familyName: 'Ferreira-Lund' });
    expect(Object.keys(row.resource).filter((key) => key.startsWith(USER_SCHEMA))).toEqual([]);
    expect(row.version).toBe(4);
  });
});

describe('Ping and Google Workspace user provisioning', () => {
  it('updates and then disables a user with full PUTs, as PingFederate does without PATCH', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    expect(
      (await scim.list('Users', { filter: 'userName eq "kvandermeer"' })).body.totalResults,
    ).toBe(0);
    const id = await scim.createUser('kvandermeer', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      title: 'Planner',
      [ENTERPRISE_USER]: { department: 'Planning', employeeNumber: 'K-7' },
    });

    const updated = await scim.put(`/Users/${id}`, fixture('ping-put-user.json'));
    expect(updated.status).toBe(200);
    expectScimJson(updated);
    expect(updated.body).toMatchObject({
      title: 'Senior Planner',
      active: true,
      [ENTERPRISE_USER]: { department: 'Strategy', employeeNumber: 'K-7' },
    });

    const disabled = await scim.put(`/Users/${id}`, {
      ...fixture('ping-put-user.json'),
      active: false,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.active).toBe(false);

    const read = await scim.get(`/Users/${id}`);
    expect(read.body).toMatchObject({
      active: false,
      title: 'Senior Planner',
      [ENTERPRISE_USER]: { employeeNumber: 'K-7' },
    });
    const row = await storedUser(stack.database.db, id);
    expect(row).toMatchObject({ active: false, version: 3 });
    expect(row.resource).toMatchObject({
      title: 'Senior Planner',
      [ENTERPRISE_USER]: { department: 'Strategy' },
    });
    expect(await deprovisionEvents(id)).toEqual([
      { kind: 'deprovision', payload: { reason: 'deactivated' } },
    ]);
  });

  it('reads "+"-encoded filters and an address with only a type from the Google bridge', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const email = 'noor.haddad+sync@example.com';
    const lookup = `/Users?filter=userName+eq+%22${encodeURIComponent(email)}%22`;

    expect((await scim.get(lookup, GOOGLE)).body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 0,
    });
    const id = await scim.createUser(email, { addresses: [{ type: 'work' }] });
    const found = await scim.get(lookup, GOOGLE);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id, userName: email }] });
    expect((await storedUser(stack.database.db, id)).resource.addresses).toEqual([
      { type: 'work' },
    ]);

    const deleted = await scim.delete(`/Users/${id}`, GOOGLE);
    expect(deleted.status).toBe(204);
    expect((await scim.get(lookup, GOOGLE)).body.totalResults).toBe(0);
    const row = await storedUser(stack.database.db, id);
    expect(row.active).toBe(false);
    expect(row.deleted_at).not.toBeNull();
    expect(await auditActions(stack.database.db, id)).toEqual([
      'scim.user.created',
      'scim.user.deleted',
    ]);
  });
});
