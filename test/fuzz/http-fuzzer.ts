import { writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database';
import { checkAtomicity } from '../support/no-loss';
import type { HostileRequest } from './hostile-inputs';
import { GROUP_ID, USER_ID } from './hostile-inputs';

/** A request that takes longer than this is a hang. */
const REQUEST_TIMEOUT_MS = 10_000;
/** A fresh tenant every so many inputs keeps the tables the fingerprint reads small. */
const INPUTS_PER_TENANT = 500;

interface Tenant {
  tenantId: string;
  scimToken: string;
  userId: string;
  groupId: string;
}

/** What a refused request must leave exactly as it was. */
type Fingerprint = Record<string, string | number | null>;

/**
 * Sends hostile requests to a running service and checks each answer: never
 * a 5xx, never a hang, a SCIM error body for every refusal, invalid UTF-8
 * always refused, no change at all after a refusal, no write without its
 * audit event, and no prototype pollution of the process (the api runs in it).
 * Throws on the first violation, which fast-check then shrinks.
 */
export class HttpFuzzer {
  readonly statuses = new Map<string, number>();
  /** Milliseconds spent answering each kind of input. */
  readonly elapsed = new Map<string, number>();
  inputs = 0;
  private tenant: Tenant | undefined;
  private readonly tenants: string[] = [];
  private readonly prototypeKeys = JSON.stringify(prototypeShape());

  constructor(
    private readonly baseUrl: string,
    private readonly adminApiKey: string,
    private readonly db: Db,
  ) {}

  /**
   * Checks one input; with FUZZ_FAILURE_FILE set, a failing input is written
   * there in full (method, path, body as base64) to replay by hand.
   */
  async check(input: HostileRequest): Promise<void> {
    try {
      await this.checkOnce(input);
    } catch (error) {
      const file = process.env.FUZZ_FAILURE_FILE;
      if (file !== undefined) {
        const body = input.body === undefined ? null : Buffer.from(input.body).toString('base64');
        writeFileSync(file, JSON.stringify({ ...input, body, error: String(error) }));
      }
      throw error;
    }
  }

  private async checkOnce(input: HostileRequest): Promise<void> {
    if (this.tenant === undefined || this.inputs % INPUTS_PER_TENANT === 0)
      this.tenant = await this.newTenant();
    this.inputs += 1;
    const tenant = this.tenant;
    const before = await this.fingerprint(tenant.tenantId);

    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(this.url(input.path, tenant), {
        method: input.method,
        headers: {
          Authorization: `Bearer ${input.path.startsWith('/admin') || input.path.startsWith('/auth') ? this.adminApiKey : tenant.scimToken}`,
          ...(input.body === undefined
            ? {}
            : { 'Content-Type': input.contentType ?? 'application/scim+json' }),
        },
        body:
          typeof input.body === 'string'
            ? input.body.replaceAll(USER_ID, tenant.userId).replaceAll(GROUP_ID, tenant.groupId)
            : input.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(
        `${input.kind}: no answer within ${Date.now() - started} ms (${String(error)})`,
      );
    }
    const text = await response.text();
    const key = `${input.kind} ${response.status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    this.elapsed.set(input.kind, (this.elapsed.get(input.kind) ?? 0) + Date.now() - started);

    if (response.status >= 500)
      throw new Error(`${input.kind}: ${response.status} ${text.slice(0, 300)}`);
    if (input.invalidUtf8 && response.status !== 400) {
      throw new Error(
        `${input.kind}: a body that is not UTF-8 was answered ${response.status}, not 400`,
      );
    }
    // Refusals of Node's HTTP parser (an oversized request line: 431) carry the body too.
    if (response.status >= 400) this.expectErrorBody(input, response, text);
    if (JSON.stringify(prototypeShape()) !== this.prototypeKeys) {
      throw new Error(
        `${input.kind}: the request changed Object.prototype: ${JSON.stringify(prototypeShape())}`,
      );
    }

    const after = await this.fingerprint(tenant.tenantId);
    // A refused request changes nothing; Bulk answers 200 and refuses operation by operation.
    if (response.status >= 400 && JSON.stringify(after) !== JSON.stringify(before)) {
      throw new Error(
        `${input.kind}: refused with ${response.status} but changed ${diff(before, after)}`,
      );
    }
    const wrote = [
      'users',
      'user_versions',
      'groups',
      'group_versions',
      'members',
      'changed_at',
      'sessions',
    ].some((field) => after[field] !== before[field]);
    if (wrote !== (after.audit !== before.audit) && input.kind !== 'bulk') {
      throw new Error(
        `${input.kind}: ${response.status} changed ${diff(before, after) || 'nothing'}; writes and audit events must go together`,
      );
    }
  }

  /** The end-of-run check: every row and its audit events agree, in every tenant fuzzed. */
  async finish(): Promise<string[]> {
    return checkAtomicity(this.db, this.tenants);
  }

  private url(path: string, tenant: Tenant): string {
    const resolved = path
      .replaceAll(USER_ID, tenant.userId)
      .replaceAll(GROUP_ID, tenant.groupId)
      .replaceAll('{{tenant}}', tenant.tenantId);

    return `${this.baseUrl}${resolved.startsWith('/admin') || resolved.startsWith('/auth') ? '' : '/scim/v2'}${resolved}`;
  }

  private expectErrorBody(input: HostileRequest, response: Response, text: string): void {
    let body: { schemas?: unknown; status?: unknown; detail?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        `${input.kind}: ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      );
    }
    const scim = !input.path.startsWith('/admin') && !input.path.startsWith('/auth');
    const typeOk =
      !scim || /^application\/scim\+json/.test(response.headers.get('content-type') ?? '');
    const shapeOk =
      Array.isArray(body.schemas) &&
      body.schemas[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' &&
      body.status === String(response.status) &&
      typeof body.detail === 'string' &&
      body.detail.length > 0;
    if (!typeOk || !shapeOk) {
      throw new Error(
        `${input.kind}: ${response.status} is not an RFC 7644 §3.12 error: ${text.slice(0, 200)}`,
      );
    }
  }

  private async newTenant(): Promise<Tenant> {
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status}`);

      return (await response.json()) as Record<string, any>;
    };
    const tenant = await call('POST', '/admin/v1/tenants', this.adminApiKey, { name: 'Fuzz' });
    const { token } = await call('POST', `/admin/v1/tenants/${tenant.id}/scim`, this.adminApiKey);
    const user = await call('POST', '/scim/v2/Users', token, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'fixture@example.com',
      emails: [{ value: 'fixture@example.com', type: 'work', primary: true }],
    });
    const group = await call('POST', '/scim/v2/Groups', token, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Fixture',
      members: [{ value: user.id }],
    });
    this.tenants.push(tenant.id);

    return { tenantId: tenant.id, scimToken: token, userId: user.id, groupId: group.id };
  }

  private async fingerprint(tenantId: string): Promise<Fingerprint> {
    const { rows } = await sql<Fingerprint>`
      select
        (select count(*)::int from users where tenant_id = ${tenantId}) as users,
        (select coalesce(sum(version), 0)::int from users where tenant_id = ${tenantId}) as user_versions,
        (select count(*)::int from groups where tenant_id = ${tenantId}) as groups,
        (select coalesce(sum(version), 0)::int from groups where tenant_id = ${tenantId}) as group_versions,
        (select count(*)::int from group_members where tenant_id = ${tenantId}) as members,
        (select greatest(
           (select max(updated_at) from users where tenant_id = ${tenantId}),
           (select max(updated_at) from groups where tenant_id = ${tenantId}))::text) as changed_at,
        (select count(*)::int from audit_events where tenant_id = ${tenantId}) as audit,
        (select count(*)::int from sync_events where tenant_id = ${tenantId}) as sync_events,
        (select count(*)::int from sessions where tenant_id = ${tenantId}) as sessions`.execute(
      this.db,
    );

    return rows[0]!;
  }
}

function diff(before: Fingerprint, after: Fingerprint): string {
  return Object.keys(after)
    .filter((key) => after[key] !== before[key])
    .map((key) => `${key} ${before[key]} → ${after[key]}`)
    .join(', ');
}

/** The own properties of the prototypes a polluting request would touch. */
function prototypeShape(): string[][] {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map(
    (prototype) => Object.getOwnPropertyNames(prototype).sort(),
  );
}
