import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/db/schema';

/**
 * Simulated identity providers pushing to a running service, for the fault
 * tests and the soak: Okta and Entra ID request shapes (docs/idp/), several
 * concurrent lanes per tenant, and an IdP's retry behaviour (5xx, 429, lost
 * answers are retried until acknowledged). Everything is written down in a
 * TrafficLedger, which the no-loss check (no-loss.ts) compares with the database.
 *
 * No jest here: the soak (bench/soak.ts) runs it as a plain script.
 */

export type Dialect = 'okta' | 'entra';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ScimAction =
  | 'scim.user.created'
  | 'scim.user.updated'
  | 'scim.user.deleted'
  | 'scim.group.created'
  | 'scim.group.updated'
  | 'scim.group.deleted';

export type Outcome = number | 'timeout' | 'network';

/** One write the IdP wanted made, with every attempt it took to get an answer. */
export interface LedgerWrite {
  tenantId: string;
  action: ScimAction;
  /** Unknown only for a create that was never acknowledged. */
  targetId: string | undefined;
  /** Request ids (X-Request-Id, recorded with the audit event) of every attempt. */
  attempts: string[];
  outcomes: Outcome[];
  acknowledged: boolean;
  /** The detail of a refusal the IdP did not expect (a 4xx it would not retry). */
  refusal?: string;
}

export interface IssuedToken {
  tenantId: string;
  userId: string;
  kind: 'session' | 'agent';
  token: string;
}

export interface ModelUser {
  tenantId: string;
  userName: string;
  externalId: string;
  active: boolean;
  deleted: boolean;
  title: string;
  /** Deactivations and deletions acknowledged: each owes one deprovisioning. */
  deprovisionsOwed: number;
}

export interface ModelGroup {
  tenantId: string;
  displayName: string;
  members: Set<string>;
  deleted: boolean;
  /** The role a mapped group grants; unmapped groups grant none. */
  role: Role | null;
}

/** A response worth a second look: a server error, a lost answer, or a refusal the IdP did not expect. */
export interface NotableResponse {
  requestId: string;
  method: string;
  path: string;
  outcome: Outcome;
  retryAfter: string | null;
  /** True when the body was an RFC 7644 §3.12 error with the status it was sent with. */
  scimErrorBody: boolean;
  detail: string | undefined;
}

/** What the IdPs sent and what they were told; the model is the state they believe in. */
export class TrafficLedger {
  readonly writes: LedgerWrite[] = [];
  readonly tokens: IssuedToken[] = [];
  readonly users = new Map<string, ModelUser>();
  readonly groups = new Map<string, ModelGroup>();
  readonly defaultRoles = new Map<string, Role | null>();
  /** Responses by "METHOD status", e.g. "PATCH 200", "POST 503". */
  readonly outcomes = new Map<string, number>();
  readonly notable: NotableResponse[] = [];
  /** Lookups whose answer disagreed with what the IdP had been told. */
  readonly readMismatches: string[] = [];
  /** Milliseconds each answer took, by method. */
  readonly latencies = new Map<string, number[]>();
  requests = 0;

  count(method: string, outcome: Outcome, elapsedMs: number): void {
    this.requests += 1;
    const key = `${method} ${outcome}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    const latencies = this.latencies.get(method) ?? [];
    latencies.push(elapsedMs);
    this.latencies.set(method, latencies);
  }

  /** How many answers were 5xx, by status. */
  serverErrors(): Map<Outcome, number> {
    const found = new Map<Outcome, number>();
    for (const { outcome } of this.notable) {
      if (typeof outcome === 'number' && outcome >= 500)
        found.set(outcome, (found.get(outcome) ?? 0) + 1);
    }

    return found;
  }

  acknowledgedWrites(): number {
    return this.writes.filter((write) => write.acknowledged).length;
  }
}

interface Answer {
  outcome: Outcome;
  body: any;
  requestId: string;
  retryAfter: string | null;
}

export interface TrafficTarget {
  baseUrl: string;
  adminApiKey: string;
  tenantId: string;
  scimToken: string;
}

export interface TrafficOptions {
  dialect: Dialect;
  /** Concurrent request streams for the tenant; each owns its users and groups. */
  lanes: number;
  /** Keeps sending new operations while this returns true. */
  keepGoing: () => boolean;
  /** An operation still unacknowledged at this time is given up (and reported by the no-loss check). */
  giveUpAt?: () => number;
  /** Per-request budget: a request that takes longer is a hang. */
  requestTimeoutMs?: number;
  /** Pause between operations of a lane, to shape the request rate. */
  thinkMs?: number;
  /** Longest wait before a retry, whatever Retry-After says (tests cannot wait 5 s per retry). */
  maxRetryDelayMs?: number;
}

const randomId = () => randomBytes(4).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Statuses an IdP retries: the service is unavailable or the answer was lost. */
function retryable(outcome: Outcome): boolean {
  return typeof outcome !== 'number' || outcome >= 500 || outcome === 429;
}

/**
 * One tenant's IdP: sets up role-mapped groups, then runs `lanes` request
 * streams until `keepGoing` says stop and every started operation is answered.
 */
export class IdpSimulator {
  private readonly runId = randomId();
  private requestCounter = 0;
  private mappedGroups: string[] = [];

  constructor(
    private readonly target: TrafficTarget,
    private readonly ledger: TrafficLedger,
    private readonly options: TrafficOptions,
  ) {}

  /** Groups mapped to admin and member, default role viewer: group churn then moves roles. */
  async setUp(): Promise<void> {
    for (const [name, role] of [
      ['Admins', 'admin'],
      ['Staff', 'member'],
    ] as const) {
      const id = await this.createGroup(`${name} ${this.runId}`);
      if (id === undefined) throw new Error(`could not create the ${name} group`);
      this.ledger.groups.get(id)!.role = role;
      this.mappedGroups.push(id);
    }
    const mapping = {
      group_role_mapping: this.mappedGroups.map((groupId) => ({
        group_id: groupId,
        role: this.ledger.groups.get(groupId)!.role,
      })),
      default_role: 'viewer',
    };
    const put = await this.admin(
      'PUT',
      `/admin/v1/tenants/${this.target.tenantId}/scim/group-role-mapping`,
      mapping,
    );
    if (put.outcome !== 200) throw new Error(`mapping the groups failed: ${String(put.outcome)}`);
    this.ledger.defaultRoles.set(this.target.tenantId, 'viewer');
  }

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.lanes }, (_, lane) => this.runLane(lane)));
  }

  private async runLane(lane: number): Promise<void> {
    const own = { users: [] as string[], groups: [] as string[], serial: 0 };
    while (this.options.keepGoing()) {
      await this.step(lane, own);
      if (this.options.thinkMs !== undefined) await sleep(this.options.thinkMs);
    }
  }

  private liveUsers(ids: string[]): string[] {
    return ids.filter((id) => this.ledger.users.get(id)?.deleted === false);
  }

  /** Picks one operation, weighted the way a directory in daily use changes. */
  private async step(
    lane: number,
    own: { users: string[]; groups: string[]; serial: number },
  ): Promise<void> {
    own.serial += 1;
    const live = this.liveUsers(own.users);
    const groups = own.groups.filter((id) => this.ledger.groups.get(id)?.deleted === false);
    const pick = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
    const roll = Math.random() * 100;

    if (live.length < 4 || roll < 14) {
      const id = await this.createUser(`l${lane}.${own.serial}`);
      if (id !== undefined) own.users.push(id);
    } else if (roll < 32) {
      await this.lookupUser(pick(own.users)!);
    } else if (roll < 50) {
      await this.updateUser(pick(live)!, own.serial);
    } else if (roll < 58) {
      const user = pick(live.filter((id) => this.ledger.users.get(id)!.active));
      if (user !== undefined) await this.setActive(user, false);
    } else if (roll < 61) {
      const user = pick(live.filter((id) => !this.ledger.users.get(id)!.active));
      if (user !== undefined) await this.setActive(user, true);
    } else if (roll < 65) {
      await this.deleteUser(pick(live)!);
    } else if (roll < 71) {
      const user = pick(live.filter((id) => this.ledger.users.get(id)!.active));
      if (user !== undefined) await this.issueTokens(user);
    } else if (roll < 88) {
      const group = Math.random() < 0.5 ? pick(this.mappedGroups) : pick(groups);
      if (group !== undefined) await this.churnMembers(group, live);
    } else if (roll < 92) {
      const id = await this.createGroup(`Team l${lane}.${own.serial} ${this.runId}`);
      if (id !== undefined) own.groups.push(id);
    } else if (roll < 95) {
      const group = pick(groups);
      if (group !== undefined) await this.renameGroup(group, own.serial);
    } else if (roll < 97) {
      const group = pick(groups);
      if (group !== undefined) await this.deleteGroup(group);
    } else {
      await this.lookupGroup(pick([...this.mappedGroups, ...groups])!);
    }
  }

  // --- users -------------------------------------------------------------

  private userBody(user: ModelUser, includeActive = true): Record<string, unknown> {
    const [given, family] = user.userName.split('@')[0]!.split('.');
    if (this.options.dialect === 'okta') {
      return {
        schemas: [USER_SCHEMA],
        userName: user.userName,
        name: { givenName: given, familyName: family },
        emails: [{ primary: true, value: user.userName, type: 'work' }],
        displayName: `${given} ${family}`,
        locale: 'en-US',
        externalId: user.externalId,
        title: user.title,
        groups: [],
        password: `pw-${randomId()}`,
        ...(includeActive ? { active: user.active } : {}),
      };
    }

    return {
      schemas: [USER_SCHEMA, ENTERPRISE_USER],
      externalId: user.externalId,
      userName: user.userName,
      active: user.active,
      emails: [{ primary: true, type: 'work', value: user.userName }],
      meta: { resourceType: 'User' },
      name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
      displayName: `${given} ${family}`,
      title: user.title,
      [ENTERPRISE_USER]: { employeeNumber: user.externalId, department: 'Operations' },
    };
  }

  private async createUser(local: string): Promise<string | undefined> {
    const { tenantId } = this.target;
    const user: ModelUser = {
      tenantId,
      userName: `${local}.${this.runId}@${this.options.dialect}.example`,
      externalId:
        this.options.dialect === 'okta'
          ? `00u${randomId()}${randomId()}`
          : `${randomId()}-${randomId()}`,
      active: true,
      deleted: false,
      title: 'Analyst',
      deprovisionsOwed: 0,
    };
    // Okta looks the user up first; Entra creates straight away.
    if (this.options.dialect === 'okta') {
      const found = await this.findUserId(user.userName);
      if (found !== undefined)
        this.ledger.readMismatches.push(`${user.userName} existed before its create`);
    }
    const write = this.newWrite('scim.user.created', undefined);
    const answer = await this.attempt(
      write,
      'POST',
      '/Users',
      this.userBody(user),
      async (outcome) => {
        // An earlier attempt's answer was lost but it committed: find it, as an IdP does on 409.
        if (outcome === 409 && write.attempts.length > 1)
          return { targetId: await this.findUserId(user.userName) };
        return undefined;
      },
    );
    if (answer === undefined) return undefined;
    write.targetId ??= answer.body?.id;
    if (write.targetId === undefined) return undefined;
    this.ledger.users.set(write.targetId, user);

    return write.targetId;
  }

  private async findUserId(userName: string): Promise<string | undefined> {
    const filter = encodeURIComponent(`userName eq "${userName}"`);
    const answer = await this.readUntilAnswered(`/Users?filter=${filter}&startIndex=1&count=100`);

    return answer?.body?.Resources?.[0]?.id;
  }

  private async lookupUser(userId: string): Promise<void> {
    const user = this.ledger.users.get(userId)!;
    const filter =
      this.options.dialect === 'okta'
        ? `userName eq "${user.userName}"`
        : `externalId eq "${user.externalId}"`;
    const answer = await this.readUntilAnswered(`/Users?filter=${encodeURIComponent(filter)}`);
    if (answer === undefined) return;
    const found: string[] = (answer.body?.Resources ?? []).map(
      (resource: { id: string }) => resource.id,
    );
    const expected = user.deleted ? [] : [userId];
    if (JSON.stringify(found) !== JSON.stringify(expected)) {
      this.ledger.readMismatches.push(
        `${filter}: found ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`,
      );
    }
  }

  private async updateUser(userId: string, serial: number): Promise<void> {
    const user = this.ledger.users.get(userId)!;
    const title = `Title ${serial}.${randomId()}`;
    const write = this.newWrite('scim.user.updated', userId);
    const answer =
      this.options.dialect === 'okta'
        ? await this.attempt(write, 'PUT', `/Users/${userId}`, {
            ...this.userBody({ ...user, title }),
            id: userId,
          })
        : await this.attempt(write, 'PATCH', `/Users/${userId}`, {
            schemas: [PATCH_OP],
            Operations: [
              { op: 'Replace', path: 'title', value: title },
              { op: 'Replace', value: { 'name.givenName': `G${serial}` } },
            ],
          });
    if (answer !== undefined) user.title = title;
  }

  private async setActive(userId: string, active: boolean): Promise<void> {
    const user = this.ledger.users.get(userId)!;
    const write = this.newWrite('scim.user.updated', userId);
    const body =
      this.options.dialect === 'okta'
        ? { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] }
        : {
            schemas: [PATCH_OP],
            Operations: [{ op: 'Replace', path: 'active', value: active ? 'True' : 'False' }],
          };
    const answer = await this.attempt(write, 'PATCH', `/Users/${userId}`, body);
    if (answer === undefined) return;
    if (!active) user.deprovisionsOwed += 1;
    user.active = active;
  }

  private async deleteUser(userId: string): Promise<void> {
    const user = this.ledger.users.get(userId)!;
    const write = this.newWrite('scim.user.deleted', userId);
    // A 404 after an attempt whose answer was lost: that attempt deleted it.
    const answer = await this.attempt(
      write,
      'DELETE',
      `/Users/${userId}`,
      undefined,
      async (outcome) =>
        outcome === 404 && write.attempts.length > 1 ? { targetId: userId } : undefined,
    );
    if (answer === undefined) return;
    user.deleted = true;
    user.active = false;
    user.deprovisionsOwed += 1;
    for (const group of this.ledger.groups.values()) group.members.delete(userId);
  }

  /** A sign-in (session token) and an agent token, both to be dead once the user is deprovisioned. */
  private async issueTokens(userId: string): Promise<void> {
    const user = this.ledger.users.get(userId)!;
    const { tenantId } = this.target;
    const login = await this.admin('POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      subject: user.externalId,
      email: user.userName,
    });
    if (login.outcome !== 201) return;
    if (login.body.user_id !== userId) {
      this.ledger.readMismatches.push(
        `sign-in of ${user.userName} linked to ${login.body.user_id}, not ${userId}`,
      );
    }
    this.ledger.tokens.push({ tenantId, userId, kind: 'session', token: login.body.session_token });
    const agent = await this.admin(
      'POST',
      `/auth/v1/tenants/${tenantId}/users/${userId}/agent-tokens`,
      {
        name: `agent ${randomId()}`,
      },
    );
    if (agent.outcome === 201)
      this.ledger.tokens.push({ tenantId, userId, kind: 'agent', token: agent.body.token });
  }

  // --- groups ------------------------------------------------------------

  private async createGroup(displayName: string): Promise<string | undefined> {
    const write = this.newWrite('scim.group.created', undefined);
    const body =
      this.options.dialect === 'okta'
        ? { schemas: [GROUP_SCHEMA], displayName, members: [] }
        : { schemas: [GROUP_SCHEMA], displayName, externalId: randomId() };
    // Group names are not unique, so before a retry the IdP looks for a create whose answer was lost.
    const answer = await this.attempt(write, 'POST', '/Groups', body, async (outcome) =>
      retryable(outcome) ? { targetId: await this.findGroupId(displayName) } : undefined,
    );
    if (answer === undefined) return undefined;
    write.targetId = answer.body.id;
    this.ledger.groups.set(answer.body.id, {
      tenantId: this.target.tenantId,
      displayName,
      members: new Set(),
      deleted: false,
      role: null,
    });

    return answer.body.id;
  }

  private async findGroupId(displayName: string): Promise<string | undefined> {
    const filter = encodeURIComponent(`displayName eq "${displayName}"`);
    const answer = await this.readUntilAnswered(
      `/Groups?filter=${filter}&excludedAttributes=members`,
    );

    return answer?.body?.Resources?.[0]?.id;
  }

  private async churnMembers(groupId: string, candidates: string[]): Promise<void> {
    const group = this.ledger.groups.get(groupId)!;
    // This lane's users only: another lane's membership changes of the same group stay its own.
    const mine = new Set(candidates);
    const current = [...group.members].filter((id) => mine.has(id));
    const outside = candidates.filter((id) => !group.members.has(id));
    const remove = current.slice(0, Math.random() < 0.5 ? 1 : 0);
    const add = outside.slice(0, 1 + Math.floor(Math.random() * 2));
    if (remove.length === 0 && add.length === 0) return;

    const operations =
      this.options.dialect === 'okta'
        ? [
            ...remove.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })),
            ...(add.length === 0
              ? []
              : [
                  {
                    op: 'add',
                    path: 'members',
                    value: add.map((id) => ({
                      value: id,
                      display: this.ledger.users.get(id)!.userName,
                    })),
                  },
                ]),
          ]
        : [
            ...(add.length === 0
              ? []
              : [{ op: 'Add', path: 'members', value: add.map((id) => ({ value: id })) }]),
            ...(remove.length === 0
              ? []
              : [{ op: 'Remove', path: 'members', value: remove.map((id) => ({ value: id })) }]),
          ];
    const write = this.newWrite('scim.group.updated', groupId);
    const answer = await this.attempt(write, 'PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: operations,
    });
    if (answer === undefined) return;
    remove.forEach((id) => group.members.delete(id));
    add.forEach((id) => group.members.add(id));
  }

  private async renameGroup(groupId: string, serial: number): Promise<void> {
    const group = this.ledger.groups.get(groupId)!;
    const displayName = `${group.displayName.split(' ~')[0]} ~${serial}`;
    const write = this.newWrite('scim.group.updated', groupId);
    // TODO(scim): Okta's documented rename also echoes the group's own "id" in the path-less
    // value ({"id": …, "displayName": …}); the PATCH engine refuses that with 400 mutability,
    // so the Okta simulator leaves "id" out until the engine accepts an unchanged id.
    const operation =
      this.options.dialect === 'okta'
        ? { op: 'replace', value: { displayName } }
        : { op: 'Replace', path: 'displayName', value: displayName };
    const answer = await this.attempt(write, 'PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [operation],
    });
    if (answer !== undefined) group.displayName = displayName;
  }

  private async deleteGroup(groupId: string): Promise<void> {
    const write = this.newWrite('scim.group.deleted', groupId);
    const answer = await this.attempt(
      write,
      'DELETE',
      `/Groups/${groupId}`,
      undefined,
      async (outcome) =>
        outcome === 404 && write.attempts.length > 1 ? { targetId: groupId } : undefined,
    );
    if (answer === undefined) return;
    const group = this.ledger.groups.get(groupId)!;
    group.deleted = true;
    group.members.clear();
  }

  private async lookupGroup(groupId: string): Promise<void> {
    const group = this.ledger.groups.get(groupId)!;
    const filter = encodeURIComponent(`displayName eq "${group.displayName}"`);
    const answer = await this.readUntilAnswered(
      `/Groups?filter=${filter}&excludedAttributes=members`,
    );
    if (answer === undefined) return;
    const found: string[] = (answer.body?.Resources ?? []).map(
      (resource: { id: string }) => resource.id,
    );
    if (found.includes(groupId) === group.deleted) {
      this.ledger.readMismatches.push(
        `group ${groupId} ${group.deleted ? 'still listed' : 'not found'} by displayName`,
      );
    }
  }

  // --- transport ---------------------------------------------------------

  private newWrite(action: ScimAction, targetId: string | undefined): LedgerWrite {
    const write: LedgerWrite = {
      tenantId: this.target.tenantId,
      action,
      targetId,
      attempts: [],
      outcomes: [],
      acknowledged: false,
    };
    this.ledger.writes.push(write);

    return write;
  }

  /**
   * Sends a write until it is answered: retries what an IdP retries, and
   * lets `settle` turn a refusal that follows a lost answer into success.
   * Returns the answer when the write is acknowledged.
   */
  private async attempt(
    write: LedgerWrite,
    method: string,
    path: string,
    body: unknown,
    settle?: (outcome: Outcome) => Promise<{ targetId: string | undefined } | undefined>,
  ): Promise<Answer | undefined> {
    for (let retry = 0; ; retry++) {
      const answer = await this.scim(method, path, body);
      write.attempts.push(answer.requestId);
      write.outcomes.push(answer.outcome);
      if (typeof answer.outcome === 'number' && answer.outcome < 300) {
        write.acknowledged = true;
        return answer;
      }
      const settled = await settle?.(answer.outcome);
      if (settled?.targetId !== undefined) {
        write.targetId = settled.targetId;
        write.acknowledged = true;
        return { ...answer, body: { id: settled.targetId } };
      }
      if (!retryable(answer.outcome)) {
        write.refusal = answer.body?.detail ?? JSON.stringify(answer.body);
        this.noteUnexpected(method, path, answer);
        return undefined;
      }
      if (this.givenUp()) return undefined;
      await sleep(this.retryDelay(answer, retry));
    }
  }

  private async readUntilAnswered(path: string): Promise<Answer | undefined> {
    for (let retry = 0; ; retry++) {
      const answer = await this.scim('GET', path, undefined);
      if (answer.outcome === 200) return answer;
      if (!retryable(answer.outcome)) {
        this.noteUnexpected('GET', path, answer);
        return undefined;
      }
      if (this.givenUp()) return undefined;
      await sleep(this.retryDelay(answer, retry));
    }
  }

  private async admin(method: string, path: string, body: unknown): Promise<Answer> {
    for (let retry = 0; ; retry++) {
      const answer = await this.send(method, path, this.target.adminApiKey, body);
      if (!retryable(answer.outcome) || this.givenUp()) return answer;
      await sleep(this.retryDelay(answer, retry));
    }
  }

  private givenUp(): boolean {
    return this.options.giveUpAt !== undefined && Date.now() > this.options.giveUpAt();
  }

  private retryDelay(answer: Answer, retry: number): number {
    const asked = answer.retryAfter === null ? 0 : Number(answer.retryAfter) * 1000;
    const backoff = Math.min(100 * 2 ** retry, 2000);

    return Math.min(Math.max(asked, backoff), this.options.maxRetryDelayMs ?? 1000);
  }

  private noteUnexpected(method: string, path: string, answer: Answer): void {
    this.ledger.notable.push({
      requestId: answer.requestId,
      method,
      path,
      outcome: answer.outcome,
      retryAfter: answer.retryAfter,
      scimErrorBody: isScimError(answer),
      detail: answer.body?.detail,
    });
  }

  private scim(method: string, path: string, body: unknown): Promise<Answer> {
    return this.send(method, `/scim/v2${path}`, this.target.scimToken, body);
  }

  private async send(method: string, path: string, token: string, body: unknown): Promise<Answer> {
    this.requestCounter += 1;
    const requestId = `idp-${this.runId}-${this.requestCounter}`;
    const started = performance.now();
    let answer: Answer;
    try {
      const response = await fetch(this.target.baseUrl + path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          'X-Request-Id': requestId,
          'User-Agent':
            this.options.dialect === 'okta' ? 'Okta SCIM Client 1.0.0' : 'Microsoft.Identity.SCIM',
          ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json; charset=utf-8' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = { unparsable: text.slice(0, 200) };
      }
      answer = {
        outcome: response.status,
        body: parsed,
        requestId,
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      answer = {
        outcome: timedOut ? 'timeout' : 'network',
        body: undefined,
        requestId,
        retryAfter: null,
      };
    }
    this.ledger.count(method, answer.outcome, performance.now() - started);
    if (
      answer.outcome === 'timeout' ||
      answer.outcome === 'network' ||
      (answer.outcome as number) >= 500
    ) {
      this.ledger.notable.push({
        requestId,
        method,
        path,
        outcome: answer.outcome,
        retryAfter: answer.retryAfter,
        scimErrorBody: isScimError(answer),
        detail: answer.body?.detail,
      });
    }

    return answer;
  }
}

function isScimError(answer: Answer): boolean {
  const body = answer.body as { schemas?: unknown; status?: unknown; detail?: unknown } | undefined;

  return (
    Array.isArray(body?.schemas) &&
    body.schemas[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' &&
    body.status === String(answer.outcome) &&
    typeof body.detail === 'string'
  );
}

/** Runs one simulated IdP per target until `keepGoing` turns false and every write is answered. */
export async function driveIdpTraffic(
  targets: Array<{ target: TrafficTarget; dialect: Dialect }>,
  ledger: TrafficLedger,
  options: Omit<TrafficOptions, 'dialect'>,
): Promise<void> {
  const simulators = targets.map(
    ({ target, dialect }) => new IdpSimulator(target, ledger, { ...options, dialect }),
  );
  for (const simulator of simulators) await simulator.setUp();
  await Promise.all(simulators.map((simulator) => simulator.run()));
}

/** One Okta and one Entra tenant with SCIM enabled, created through the admin API. */
export async function createTrafficTargets(
  baseUrl: string,
  adminApiKey: string,
  label: string,
): Promise<Array<{ target: TrafficTarget; dialect: Dialect }>> {
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(baseUrl + path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminApiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}`);

    return (await response.json()) as Record<string, string>;
  };

  return Promise.all(
    (['okta', 'entra'] as const).map(async (dialect) => {
      const tenant = await admin('/admin/v1/tenants', { name: `${label} (${dialect})` });
      const scim = await admin(`/admin/v1/tenants/${tenant.id}/scim`, {});
      const target = { baseUrl, adminApiKey, tenantId: tenant.id!, scimToken: scim.token! };

      return { dialect, target };
    }),
  );
}
