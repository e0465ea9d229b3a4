import { Client } from 'pg';
import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import {
  ENTERPRISE_USER,
  GROUP_SCHEMA,
  ScimClient,
  USER_SCHEMA,
  expectScimError,
  storedUser,
  userBody,
} from '../support/scim-client';

/**
 * RFC 7644 §3.4.2.5 and §3.9: `attributes` and `excludedAttributes` on every
 * answer that carries a resource (GET, lists, .search, POST, PUT, PATCH),
 * with the `returned` rules of RFC 7643 §7: `id` always, `password` never.
 */

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false });

async function enterpriseUser(scim: ScimClient, userName: string): Promise<string> {
  return scim.createUser(userName, {
    schemas: [USER_SCHEMA, ENTERPRISE_USER],
    [ENTERPRISE_USER]: { employeeNumber: '701984', department: 'Tour Operations' },
  });
}

describe('attributes and excludedAttributes on Users', () => {
  it('returns only the attributes asked for, plus id, on GET and in lists', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await enterpriseUser(scim, 'bjensen@example.com');

    const one = await scim.get(`/Users/${id}?attributes=userName,name.givenName`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      schemas: [USER_SCHEMA],
      id,
      userName: 'bjensen@example.com',
      name: { givenName: 'Test' },
    });

    const listed = await scim.list('Users', { attributes: 'emails.value,meta.lastModified' });
    expect(listed.status).toBe(200);
    expect(listed.body.Resources).toEqual([
      {
        schemas: [USER_SCHEMA],
        id,
        emails: [{ value: 'bjensen@example.com' }],
        meta: { lastModified: expect.any(String) },
      },
    ]);
  });

  it('takes a whole extension by its URN in attributes and in excludedAttributes', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await enterpriseUser(scim, 'enterprise@example.com');

    const only = await scim.get(`/Users/${id}?attributes=${ENTERPRISE_USER}`);
    expect(only.body).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      id,
      [ENTERPRISE_USER]: { employeeNumber: '701984', department: 'Tour Operations' },
    });

    const mixed = await scim.get(`/Users/${id}?attributes=userName,${ENTERPRISE_USER}:department`);
    expect(mixed.body).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      id,
      userName: 'enterprise@example.com',
      [ENTERPRISE_USER]: { department: 'Tour Operations' },
    });

    const without = await scim.get(`/Users/${id}?excludedAttributes=${ENTERPRISE_USER}`);
    expect(without.body[ENTERPRISE_USER]).toBeUndefined();
    expect(without.body.schemas).toEqual([USER_SCHEMA]);
    expect(without.body.userName).toBe('enterprise@example.com');
  });

  it('always returns id and never password, whatever is asked', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const created = await scim.post('/Users?excludedAttributes=id,userName', {
      ...userBody('secret@example.com'),
      password: 't1meMa$heen',
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toEqual(expect.any(String));
    expect(created.body.userName).toBeUndefined();
    expect(created.body.password).toBeUndefined();

    const id = created.body.id as string;
    const asked = await scim.get(`/Users/${id}?attributes=password,userName`);
    expect(asked.body).toEqual({ schemas: [USER_SCHEMA], id, userName: 'secret@example.com' });
    const listed = await scim.list('Users', { excludedAttributes: 'id,meta,groups' });
    expect(listed.body.Resources[0].id).toBe(id);
    expect(listed.body.Resources[0].meta).toBeUndefined();
  });

  it('narrows the answers of POST, PUT and PATCH as their query string asks', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    const created = await scim.post('/Users?attributes=userName', userBody('writer@example.com'));
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['id', 'schemas', 'userName']);
    const id = created.body.id as string;

    const replaced = await scim.put(
      `/Users/${id}?excludedAttributes=emails,name,meta`,
      userBody('writer@example.com', { displayName: 'Writer Replaced' }),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body.displayName).toBe('Writer Replaced');
    expect(replaced.body.emails).toBeUndefined();
    expect(replaced.body.meta).toBeUndefined();
    expect(replaced.headers.get('etag')).toBe('W/"2"');

    const patched = await scim.patch(`/Users/${id}?attributes=active`, [
      { op: 'replace', path: 'nickName', value: 'Scribe' },
    ]);
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ schemas: [USER_SCHEMA], id, active: true });
    expect((await storedUser(stack.database.db, id)).resource).toMatchObject({
      nickName: 'Scribe',
    });
  });

  it('refuses an unknown attribute name with 400 before writing anything', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    expectScimError(
      await scim.post('/Users?attributes=shoeSize', userBody('nobody@example.com')),
      400,
      'invalidValue',
    );
    const found = await stack.database.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', scim.tenantId)
      .execute();
    expect(found).toEqual([]);
    expectScimError(
      await scim.list('Users', { excludedAttributes: 'urn:example:unknown:1.0:User' }),
      400,
      'invalidValue',
    );
  });

  it('accepts attributes and excludedAttributes as arrays in a SearchRequest', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await enterpriseUser(scim, 'searcher@example.com');

    const narrowed = await scim.post('/Users/.search', {
      schemas: [SEARCH_REQUEST],
      filter: 'userName eq "searcher@example.com"',
      attributes: ['userName', 'displayName'],
    });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.Resources).toEqual([
      {
        schemas: [USER_SCHEMA],
        id,
        userName: 'searcher@example.com',
        displayName: 'Test searcher',
      },
    ]);

    const excluded = await scim.post('/Users/.search', {
      schemas: [SEARCH_REQUEST],
      excludedAttributes: ['groups', 'emails', ENTERPRISE_USER],
    });
    expect(excluded.body.Resources[0].emails).toBeUndefined();
    expect(excluded.body.Resources[0].groups).toBeUndefined();
    expect(excluded.body.Resources[0][ENTERPRISE_USER]).toBeUndefined();
    expect(excluded.body.Resources[0].userName).toBe('searcher@example.com');

    const groups = await scim.post('/Groups/.search', {
      schemas: [SEARCH_REQUEST],
      attributes: ['displayName'],
    });
    expect(groups.status).toBe(200);
  });
});

describe('loading only what is returned', () => {
  it('answers excludedAttributes=groups without reading memberships, and waits for them otherwise', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('member@example.com');
    const gid = await scim.createGroup('Locked Out', [id]);

    // While another session holds group_members exclusively, any read of it waits.
    const blocker = new Client({ connectionString: stack.database.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table group_members in access exclusive mode');
    let released = false;
    try {
      const withoutGroups = await scim.get(`/Users/${id}?excludedAttributes=groups`);
      expect(withoutGroups.status).toBe(200);
      expect(withoutGroups.body.groups).toBeUndefined();
      const listed = await scim.list('Users', { attributes: 'userName' });
      expect(listed.body.Resources).toEqual([
        { schemas: [USER_SCHEMA], id, userName: 'member@example.com' },
      ]);
      const group = await scim.get(`/Groups/${gid}?excludedAttributes=members`);
      expect(group.body).toMatchObject({ id: gid, displayName: 'Locked Out' });

      const withGroups = scim.get(`/Users/${id}`);
      const outcome = await Promise.race([
        withGroups.then(() => 'answered'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 500)),
      ]);
      expect(outcome).toBe('waiting');

      await blocker.query('rollback');
      released = true;
      const answered = await withGroups;
      expect(answered.body.groups).toEqual([
        expect.objectContaining({ value: gid, display: 'Locked Out' }),
      ]);
    } finally {
      if (!released) await blocker.query('rollback');
      await blocker.end();
    }
  });
});

describe('attributes on Groups', () => {
  it('narrows members to the sub-attributes asked for', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('narrow@example.com');
    const gid = await scim.createGroup('Narrow', [id]);

    const narrowed = await scim.get(`/Groups/${gid}?attributes=members.value`);
    expect(narrowed.body).toEqual({ schemas: [GROUP_SCHEMA], id: gid, members: [{ value: id }] });
  });
});
