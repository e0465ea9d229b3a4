import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../src/db/database';
import type { HttpResult } from './http';
import type { TestStack } from './stack';
import { createScimTenant, request } from './http';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

type Headers = Record<string, string>;

/**
 * A SCIM client bound to one tenant of a test stack: paths are relative to
 * `/scim/v2`, every request carries the tenant's bearer token.
 */
export class ScimClient {
  constructor(
    readonly stack: TestStack,
    readonly tenantId: string,
    readonly token: string,
  ) {}

  /** A fresh tenant with SCIM enabled, so each test sees only its own data. */
  static async forNewTenant(stack: TestStack, name = 'Acme'): Promise<ScimClient> {
    const { tenantId, scimToken } = await createScimTenant(stack, name);

    return new ScimClient(stack, tenantId, scimToken);
  }

  get(path: string, headers?: Headers): Promise<HttpResult> {
    return this.send('GET', path, undefined, headers);
  }

  post(path: string, body: unknown, headers?: Headers): Promise<HttpResult> {
    return this.send('POST', path, body, headers);
  }

  put(path: string, body: unknown, headers?: Headers): Promise<HttpResult> {
    return this.send('PUT', path, body, headers);
  }

  delete(path: string, headers?: Headers): Promise<HttpResult> {
    return this.send('DELETE', path, undefined, headers);
  }

  /** A PatchOp message (RFC 7644 §3.5.2) with the given operations. */
  patch(path: string, operations: PatchOperation[], headers?: Headers): Promise<HttpResult> {
    return this.send('PATCH', path, { schemas: [PATCH_OP], Operations: operations }, headers);
  }

  /** GET on a collection with the query built from `parameters` (URL-encoded). */
  list(
    collection: 'Users' | 'Groups',
    parameters: Record<string, string | number> = {},
  ): Promise<HttpResult> {
    const query = Object.entries(parameters)
      .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
      .join('&');

    return this.get(query === '' ? `/${collection}` : `/${collection}?${query}`);
  }

  /** POSTs `body` and returns the new resource's id; fails the test unless the answer is 201. */
  async create(collection: 'Users' | 'Groups', body: Record<string, unknown>): Promise<string> {
    const created = await this.post(`/${collection}`, body);
    expect([created.status, created.body?.detail]).toEqual([201, undefined]);

    return created.body.id as string;
  }

  /** Creates a user shaped like userBody and returns its id. */
  createUser(userName: string, attributes: Record<string, unknown> = {}): Promise<string> {
    return this.create('Users', userBody(userName, attributes));
  }

  /** Creates a group with the given member ids and returns its id. */
  createGroup(displayName: string, memberIds: string[] = []): Promise<string> {
    return this.create('Groups', {
      schemas: [GROUP_SCHEMA],
      displayName,
      members: memberIds.map((value) => ({ value })),
    });
  }

  /** Deactivates or reactivates a user the way IdPs do: a PATCH replacing `active`. */
  setActive(userId: string, active: boolean): Promise<HttpResult> {
    return this.patch(`/Users/${userId}`, [{ op: 'replace', path: 'active', value: active }]);
  }

  /** Sends `body` verbatim, for bodies a JSON client would never produce. */
  async raw(method: string, path: string, body: string, headers: Headers): Promise<HttpResult> {
    const response = await fetch(`${this.stack.baseUrl}/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...headers },
      body,
    });
    const text = await response.text();

    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
  }

  private send(method: string, path: string, body: unknown, headers?: Headers) {
    return request(this.stack, method, `/scim/v2${path}`, { token: this.token, body, headers });
  }
}

/** A User body shaped like the ones IdPs send, with `attributes` merged over it. */
export function userBody(userName: string, attributes: Record<string, unknown> = {}) {
  const local = userName.split('@')[0] ?? userName;

  return {
    schemas: [USER_SCHEMA],
    userName,
    externalId: `ext-${local}`,
    name: { givenName: 'Test', familyName: local },
    displayName: `Test ${local}`,
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...attributes,
  };
}

/** A JSON payload from test/integration/fixtures, parsed afresh on each call. */
export function fixture(name: string): Record<string, any> {
  const path = join(__dirname, '..', 'integration', 'fixtures', name);

  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every SCIM answer with a body is application/scim+json (RFC 7644 §3.1). */
export function expectScimJson(result: HttpResult): void {
  expect(result.headers.get('content-type')).toMatch(/^application\/scim\+json(;|$)/);
}

/** An RFC 7644 §3.12 error: the status as a string, a scimType when given, a detail. */
export function expectScimError(result: HttpResult, status: number, scimType?: string): void {
  expect(result.status).toBe(status);
  expectScimJson(result);
  expect(result.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
  expect(typeof result.body.detail).toBe('string');
  expect(result.body.detail.length).toBeGreaterThan(0);
  if (scimType !== undefined) expect(result.body.scimType).toBe(scimType);
}

/** The audit actions recorded for one resource, oldest first. */
export async function auditActions(db: Db, targetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select('action')
    .where('target_id', '=', targetId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();

  return rows.map((row) => row.action);
}

/** The user ids the database holds as members of a group, sorted. */
export async function storedMemberIds(db: Db, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .orderBy('user_id')
    .execute();

  return rows.map((row) => row.user_id);
}

export function storedUser(db: Db, userId: string) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
}

export function storedGroup(db: Db, groupId: string) {
  return db.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
}

/**
 * Everything SCIM can write for a tenant, for asserting that a refused
 * request changed nothing: compare a snapshot before and after.
 */
export async function tenantSnapshot(db: Db, tenantId: string) {
  const users = await db
    .selectFrom('users')
    .select(['id', 'user_name', 'external_id', 'active', 'resource', 'version', 'deleted_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
  const groups = await db
    .selectFrom('groups')
    .select(['id', 'display_name', 'external_id', 'version'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
  const members = await db
    .selectFrom('group_members')
    .select(['group_id', 'user_id'])
    .where('tenant_id', '=', tenantId)
    .orderBy('group_id')
    .orderBy('user_id')
    .execute();
  const audit = await db
    .selectFrom('audit_events')
    .select(['id', 'action', 'target_id'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();

  return { users, groups, members, audit };
}

/**
 * Terminates the sync workflows the api started for this stack. Without a
 * worker (`startStack({ worker: false })`) they would wait on the shared
 * Temporal server for ever; call before `stack.stop()`.
 */
export async function terminateSyncWorkflows(stack: TestStack): Promise<void> {
  const events = await stack.database.db
    .selectFrom('sync_events')
    .select('workflow_id')
    .where('dispatched_at', 'is not', null)
    .execute();
  const client = stack.api.context.workflows.client;
  await Promise.allSettled(
    events.map((event) => client.workflow.getHandle(event.workflow_id).terminate('test finished')),
  );
}
