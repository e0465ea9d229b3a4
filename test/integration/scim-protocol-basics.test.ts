import { randomUUID } from 'node:crypto';
import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { request } from '../support/http';
import {
  ENTERPRISE_USER,
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  LIST_RESPONSE,
  ScimClient,
  USER_SCHEMA,
  auditActions,
  expectScimError,
  expectScimJson,
  storedGroup,
  storedMemberIds,
  storedUser,
  tenantSnapshot,
  userBody,
} from '../support/scim-client';

/**
 * RFC 7644 behaviour every IdP relies on: uniqueness, deletion, media types,
 * PUT semantics, versions, URLs, discovery and authentication.
 */

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false, terminateSyncWorkflows: true });

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

describe('writes', () => {
  it('refuses a userName that is taken, in any case, with 409 uniqueness and keeps one user', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('dupe@example.com');
    const other = await scim.createUser('other@example.com');
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);

    const same = await scim.post('/Users', userBody('dupe@example.com', { externalId: 'dupe-2' }));
    expectScimError(same, 409, 'uniqueness');
    const upper = await scim.post('/Users', userBody('DUPE@EXAMPLE.COM', { externalId: 'dupe-3' }));
    expectScimError(upper, 409, 'uniqueness');
    const renamed = await scim.patch(`/Users/${other}`, [
      { op: 'replace', path: 'userName', value: 'Dupe@Example.com' },
    ]);
    expectScimError(renamed, 409, 'uniqueness');
    const replaced = await scim.put(`/Users/${other}`, userBody('dupe@EXAMPLE.com'));
    expectScimError(replaced, 409, 'uniqueness');

    const found = await scim.list('Users', { filter: 'userName eq "dupe@example.com"' });
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
  });

  it('lets one of several concurrent POSTs of one userName win and answers the others 409 uniqueness', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    const answers = await Promise.all(
      ['race@example.com', 'RACE@example.com', 'race@EXAMPLE.com', 'Race@Example.Com', 'race@example.com'].map(
        (userName, index) => scim.post('/Users', userBody(userName, { externalId: `race-${index}` })),
      ),
    );

    const created = answers.filter((answer) => answer.status === 201);
    expect(created).toHaveLength(1);
    for (const refused of answers.filter((answer) => answer.status !== 201)) {
      expectScimError(refused, 409, 'uniqueness');
      expect(refused.body.detail).toMatch(/userName "race@example\.com" already exists/i);
    }
    const found = await scim.list('Users', { filter: 'userName eq "race@example.com"' });
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: created[0]!.body.id }] });
    const audited = await stack.database.db
      .selectFrom('audit_events')
      .select('target_id')
      .where('tenant_id', '=', scim.tenantId)
      .where('action', '=', 'scim.user.created')
      .execute();
    expect(audited).toEqual([{ target_id: created[0]!.body.id }]);
  });

  it('answers 404 to every operation on a deleted user or group and leaves it out of queries', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const uid = await scim.createUser('gone@example.com');
    const gid = await scim.createGroup('Gone Team', [uid]);

    const deletedUser = await scim.delete(`/Users/${uid}`);
    expect(deletedUser.status).toBe(204);
    expect(deletedUser.body).toBeUndefined();
    // Deleting a user ends their memberships.
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([]);
    const afterDelete = await tenantSnapshot(stack.database.db, scim.tenantId);

    expectScimError(await scim.get(`/Users/${uid}`), 404);
    expectScimError(await scim.delete(`/Users/${uid}`), 404);
    expectScimError(
      await scim.patch(`/Users/${uid}`, [{ op: 'replace', path: 'active', value: true }]),
      404,
    );
    expectScimError(await scim.put(`/Users/${uid}`, userBody('gone@example.com')), 404);
    const listed = await scim.list('Users', { filter: 'userName eq "gone@example.com"' });
    expect(listed.body.totalResults).toBe(0);
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(afterDelete);
    const row = await storedUser(stack.database.db, uid);
    expect(row).toMatchObject({ active: false, version: 2 });
    expect(row.deleted_at).not.toBeNull();
    expect(await auditActions(stack.database.db, uid)).toEqual([
      'scim.user.created',
      'scim.user.deleted',
    ]);

    // The name is free again: an IdP may provision the person anew.
    const again = await scim.createUser('gone@example.com');
    expect(again).not.toBe(uid);

    expect((await scim.delete(`/Groups/${gid}`)).status).toBe(204);
    expectScimError(await scim.get(`/Groups/${gid}`), 404);
    expectScimError(await scim.delete(`/Groups/${gid}`), 404);
    expectScimError(
      await scim.patch(`/Groups/${gid}`, [{ op: 'replace', path: 'displayName', value: 'x' }]),
      404,
    );
    expect(await storedGroup(stack.database.db, gid)).toBeUndefined();
    expect(await auditActions(stack.database.db, gid)).toEqual([
      'scim.group.created',
      'scim.group.deleted',
    ]);
  });

  it('answers 404 with a detail for ids that never existed, UUID or not', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    for (const path of [
      `/Users/${randomUUID()}`,
      '/Users/00919288221112222',
      `/Groups/${randomUUID()}`,
    ]) {
      expectScimError(await scim.get(path), 404);
    }
    expectScimError(await scim.delete(`/Users/${randomUUID()}`), 404);
  });

  it('takes bodies sent as application/scim+json with a charset and as plain application/json', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const variants = [
      'application/scim+json; charset=utf-8',
      'application/json',
      'application/scim+json',
    ];

    for (const [index, contentType] of variants.entries()) {
      const headers = { 'Content-Type': contentType, Accept: contentType.split(';')[0] as string };
      const created = await scim.post('/Users', userBody(`ctype-${index}@example.com`), headers);
      expect([contentType, created.status]).toEqual([contentType, 201]);
      expectScimJson(created);

      const patched = await scim.patch(
        `/Users/${created.body.id}`,
        [{ op: 'replace', path: 'displayName', value: `Patched ${index}` }],
        headers,
      );
      expect([contentType, patched.status]).toEqual([contentType, 200]);
      expectScimJson(patched);
      expect(patched.body.displayName).toBe(`Patched ${index}`);

      const row = await storedUser(stack.database.db, created.body.id);
      expect(row.resource.displayName).toBe(`Patched ${index}`);
      expect(await auditActions(stack.database.db, created.body.id)).toEqual([
        'scim.user.created',
        'scim.user.updated',
      ]);
    }

    const before = await tenantSnapshot(stack.database.db, scim.tenantId);
    const broken = await scim.raw('POST', '/Users', '{"schemas": [', {
      'Content-Type': 'application/scim+json; charset=utf-8',
    });
    expectScimError(broken, 400, 'invalidSyntax');
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
  });

  it('answers a JSON body declared in another media type, or in none, with 415 saying what to send', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const userId = await scim.createUser('media.type@example.com');
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);
    const body = JSON.stringify(userBody('plain.text@example.com'));

    for (const [method, path, contentType] of [
      ['POST', '/Users', 'text/plain'],
      ['PUT', `/Users/${userId}`, 'application/x-www-form-urlencoded'],
      ['POST', '/Users/.search', 'application/xml'],
    ] as const) {
      const refused = await scim.raw(method, path, body, { 'Content-Type': contentType });
      expectScimError(refused, 415);
      expect(refused.body.detail).toBe(
        `Send the request body as application/scim+json (or application/json); this one is ${contentType}.`,
      );
    }
    // fetch declares no type for bytes.
    const undeclared = await fetch(`${stack.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${scim.token}` },
      body: Buffer.from(body),
    });
    expect(undeclared.status).toBe(415);
    expect(((await undeclared.json()) as { detail: string }).detail).toMatch(/declares no Content-Type/);
    // Where no write is taken at all, the method or the path is what is wrong.
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas']) {
      expectScimError(await scim.raw('POST', path, body, { 'Content-Type': 'text/plain' }), 405);
    }
    expectScimError(await scim.raw('POST', '/Devices', body, { 'Content-Type': 'text/plain' }), 404);
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
  });

  it('replaces the whole user on PUT: attributes not sent are cleared, read-only ones ignored', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('saoirse.mulcahy@example.com', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      name: { givenName: 'Saoirse', familyName: 'Mulcahy' },
      emails: [
        { value: 'saoirse.mulcahy@example.com', type: 'work', primary: true },
        { value: 'saoirse@home.example', type: 'home' },
      ],
      title: 'Archivist',
      nickName: 'Sersh',
      phoneNumbers: [{ value: '+353 1 555 0100', type: 'work' }],
      [ENTERPRISE_USER]: { department: 'Records' },
    });
    const gid = await scim.createGroup('Archive', [id]);

    const put = await scim.put(
      `/Users/${id}`,
      {
        schemas: [USER_SCHEMA],
        id,
        userName: 'saoirse.mulcahy@example.com',
        externalId: 'ext-saoirse',
        name: { givenName: 'Saoirse', familyName: 'Mulcahy-Byrne' },
        displayName: 'Saoirse Mulcahy-Byrne',
        emails: [{ value: 'saoirse.new@example.com', type: 'work', primary: true }],
        groups: [],
        meta: { resourceType: 'User' },
        active: false,
      },
      { 'Content-Type': 'application/scim+json; charset=utf-8', Accept: 'application/scim+json' },
    );
    expect(put.status).toBe(200);
    expectScimJson(put);
    expect(put.body).toMatchObject({
      id,
      active: false,
      schemas: [USER_SCHEMA],
      externalId: 'ext-saoirse',
    });
    for (const cleared of ['title', 'nickName', 'phoneNumbers', ENTERPRISE_USER]) {
      expect(put.body).not.toHaveProperty([cleared]);
    }
    expect(put.body.emails).toEqual([
      { value: 'saoirse.new@example.com', type: 'work', primary: true },
    ]);
    // groups is read-only: the empty list echoed by Okta does not end the membership.
    expect(put.body.groups).toEqual([expect.objectContaining({ value: gid })]);

    const row = await storedUser(stack.database.db, id);
    expect(row).toMatchObject({ active: false, external_id: 'ext-saoirse', version: 2 });
    expect(row.resource).toEqual({
      name: { givenName: 'Saoirse', familyName: 'Mulcahy-Byrne' },
      displayName: 'Saoirse Mulcahy-Byrne',
      emails: [{ value: 'saoirse.new@example.com', type: 'work', primary: true }],
    });
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([id]);
    expect(await auditActions(stack.database.db, id)).toEqual([
      'scim.user.created',
      'scim.user.updated',
    ]);

    const before = await tenantSnapshot(stack.database.db, scim.tenantId);
    const otherId = await scim.put(`/Users/${id}`, {
      ...userBody('saoirse.mulcahy@example.com'),
      id: 'usr_other',
    });
    expectScimError(otherId, 400, 'mutability');
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
  });
});

describe('versions', () => {
  it('honours If-Match with 412 on a stale version and If-None-Match with 304 on the current one', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const config = await scim.get('/ServiceProviderConfig');
    expect(config.body.etag.supported).toBe(true);
    const id = await scim.createUser('aurelio.montanari@example.com');

    const read = await scim.get(`/Users/${id}`);
    const version: string = read.body.meta.version;
    expect(read.headers.get('etag')).toBe(version);

    const notModified = await scim.get(`/Users/${id}`, { 'If-None-Match': version });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeUndefined();
    expect((await scim.get(`/Users/${id}`, { 'If-None-Match': 'W/"999"' })).status).toBe(200);

    const current = await scim.patch(
      `/Users/${id}`,
      [{ op: 'replace', path: 'displayName', value: 'Aurelio M.' }],
      { 'If-Match': version },
    );
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe(current.body.meta.version);
    expect(current.body.meta.version).not.toBe(version);
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);

    const stalePatch = await scim.patch(
      `/Users/${id}`,
      [{ op: 'replace', path: 'displayName', value: 'Stale Write' }],
      { 'If-Match': version },
    );
    expectScimError(stalePatch, 412);
    expectScimError(
      await scim.put(`/Users/${id}`, userBody('aurelio.montanari@example.com'), {
        'If-Match': version,
      }),
      412,
    );
    expectScimError(await scim.delete(`/Users/${id}`, { 'If-Match': version }), 412);
    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
    expect((await storedUser(stack.database.db, id)).resource.displayName).toBe('Aurelio M.');
    expect((await scim.get(`/Users/${id}`)).body.displayName).toBe('Aurelio M.');

    const gid = await scim.createGroup('Versioned Team');
    const group = await scim.get(`/Groups/${gid}`);
    expect(
      (await scim.get(`/Groups/${gid}`, { 'If-None-Match': group.body.meta.version })).status,
    ).toBe(304);
    const staleGroup = await scim.patch(
      `/Groups/${gid}`,
      [{ op: 'add', path: 'members', value: [{ value: id }] }],
      { 'If-Match': 'W/"999"' },
    );
    expectScimError(staleGroup, 412);
    expect(await storedMemberIds(stack.database.db, gid)).toEqual([]);

    const anyVersion = await scim.delete(`/Users/${id}`, { 'If-Match': '*' });
    expect(anyVersion.status).toBe(204);
  });
});

describe('URLs and discovery', () => {
  it('answers a create with a Location header equal to the absolute meta.location, and server timestamps', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    const created = await scim.post('/Users', {
      schemas: [USER_SCHEMA],
      userName: 'meta.check@example.com',
    });
    expect(created.status).toBe(201);
    expectScimJson(created);
    const id: string = created.body.id;
    const location = created.headers.get('location');
    expect(location).toBe(`${stack.baseUrl}/scim/v2/Users/${id}`);
    expect(created.body).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: 'meta.check@example.com',
      active: true,
      meta: { resourceType: 'User', location, created: expect.stringMatching(ISO_TIMESTAMP) },
    });
    expect(created.body.meta.lastModified).toMatch(ISO_TIMESTAMP);
    expect((await scim.get(`/Users/${id}`)).body.meta.location).toBe(location);

    const row = await storedUser(stack.database.db, id);
    expect(row).toMatchObject({ active: true, external_id: null, resource: {} });
    expect(row.created_at.toISOString()).toBe(created.body.meta.created);
  });

  it('treats /Users/ and /Groups/ with a trailing slash like the collections', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('idris.okonkwo@example.com');
    await scim.createGroup('Slash Team');

    const users = await scim.get(
      `/Users/?filter=${encodeURIComponent('userName eq "idris.okonkwo@example.com"')}`,
    );
    expect(users.status).toBe(200);
    expectScimJson(users);
    expect(users.body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      Resources: [{ id }],
    });

    const groups = await scim.get('/Groups/?startIndex=1&count=1');
    expect(groups.status).toBe(200);
    expect(groups.body).toMatchObject({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      itemsPerPage: 1,
    });

    const created = await scim.post('/Users/', userBody('slash.create@example.com'));
    expect(created.status).toBe(201);
    expect(await auditActions(stack.database.db, created.body.id)).toEqual(['scim.user.created']);
  });

  it('describes itself through ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    const config = await scim.get('/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expectScimJson(config);
    expect(config.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: {
        supported: expect.any(Boolean),
        maxOperations: expect.any(Number),
        maxPayloadSize: expect.any(Number),
      },
      filter: { supported: true, maxResults: expect.any(Number) },
      changePassword: { supported: expect.any(Boolean) },
      sort: { supported: expect.any(Boolean) },
      etag: { supported: true },
    });
    expect(config.body.authenticationSchemes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'oauthbearertoken',
          name: expect.any(String),
          description: expect.any(String),
        }),
      ]),
    );

    const types = await scim.get('/ResourceTypes');
    expect(types.status).toBe(200);
    expectScimJson(types);
    expect(types.body).toMatchObject({ schemas: [LIST_RESPONSE], totalResults: 2 });
    expect(types.body.Resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'User',
          endpoint: '/Users',
          schema: USER_SCHEMA,
          schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
        }),
        expect.objectContaining({ id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA }),
      ]),
    );
    expect((await scim.get('/ResourceTypes/User')).body).toMatchObject({
      id: 'User',
      name: 'User',
    });

    const schemas = await scim.get('/Schemas');
    expect(schemas.status).toBe(200);
    const ids = schemas.body.Resources.map((schema: { id: string }) => schema.id);
    expect(ids).toEqual(expect.arrayContaining([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER]));
    const user = await scim.get(`/Schemas/${USER_SCHEMA}`);
    expect(user.status).toBe(200);
    expectScimJson(user);
    expect(user.body.attributes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'userName', required: true, uniqueness: 'server' }),
      ]),
    );
    expectScimError(await scim.get('/Schemas/urn:example:unknown'), 404);
  });

  it('answers a filter on a discovery endpoint with 403 instead of the unfiltered document', async () => {
    const scim = await ScimClient.forNewTenant(stack);

    for (const path of [
      `/ServiceProviderConfig?filter=${encodeURIComponent('patch.supported eq false')}`,
      `/ResourceTypes?filter=${encodeURIComponent('name eq "Group"')}`,
      `/Schemas?filter=${encodeURIComponent('id eq "urn:example:none"')}`,
      '/Schemas?filter=',
    ]) {
      const filtered = await scim.get(path);
      expectScimError(filtered, 403);
      expect(filtered.body.detail).toMatch(/cannot be filtered.*without "filter"/);
    }
  });
});

describe('authentication', () => {
  it('answers 401 with a SCIM error body to missing, wrong and non-bearer credentials, and writes nothing', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const id = await scim.createUser('resident@example.com');
    const before = await tenantSnapshot(stack.database.db, scim.tenantId);
    const scimPath = (path: string) => `/scim/v2${path}`;
    const attempts: Array<{
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: unknown;
    }> = [
      { method: 'GET', path: '/Users?count=1', headers: {} },
      {
        method: 'GET',
        path: '/Users',
        headers: { Authorization: 'Bearer bwscim_not-a-real-token' },
      },
      {
        method: 'GET',
        path: `/Users?filter=${encodeURIComponent('userName eq "INTRUDER@EXAMPLE.COM"')}`,
        headers: { Authorization: 'non-token', 'User-Agent': 'OKTA SCIM Integration' },
      },
      { method: 'GET', path: '/Groups', headers: { Authorization: 'Basic c2NpbTpzY2lt' } },
      { method: 'GET', path: '/ServiceProviderConfig', headers: {} },
      { method: 'POST', path: '/Users', headers: {}, body: userBody('intruder@example.com') },
      { method: 'DELETE', path: `/Users/${id}`, headers: {} },
      {
        method: 'PATCH',
        path: `/Users/${id}`,
        headers: { Authorization: `Bearer ${scim.token}x` },
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        },
      },
    ];

    for (const attempt of attempts) {
      const result = await request(stack, attempt.method, scimPath(attempt.path), {
        headers: attempt.headers,
        body: attempt.body,
      });
      expect([attempt.method, attempt.path, result.status]).toEqual([
        attempt.method,
        attempt.path,
        401,
      ]);
      expectScimJson(result);
      expect(result.body).toMatchObject({
        schemas: [ERROR_SCHEMA],
        status: '401',
        detail: expect.any(String),
      });
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }

    expect(await tenantSnapshot(stack.database.db, scim.tenantId)).toEqual(before);
    const intruders = await stack.database.db
      .selectFrom('users')
      .select('id')
      .where('user_name', '=', 'intruder@example.com')
      .execute();
    expect(intruders).toEqual([]);
  });
});
