import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database';
import type { Role } from '../../src/db/schema';
import { workflowHistory } from '../../src/operations/workflow-history';
import { computedRole, storedMapping } from '../../src/roles/role-sql';
import type { ModelUser, TrafficLedger } from './idp-traffic';

/**
 * The check every fault test and the soak end with: nothing an IdP was told
 * is done is missing, nothing is half done, and every deprovisioning ran to
 * completion exactly once in effect.
 *
 * It returns problems rather than asserting, so that the soak (a plain
 * script) and jest tests share it; tests expect `problems` to equal [].
 */
export interface NoLossReport {
  problems: string[];
  counts: {
    acknowledgedWrites: number;
    auditEventsChecked: number;
    syncEventsCompleted: number;
    deprovisionings: number;
    tokensIntrospected: number;
    usersChecked: number;
    groupsChecked: number;
  };
}

export interface NoLossInput {
  /** A connection of the test's own, straight to the test database. */
  db: Db;
  baseUrl: string;
  adminApiKey: string;
  ledger: TrafficLedger;
  /** How long sync events may take to reach a final state after the traffic stops. */
  settleTimeoutMs?: number;
  /** Where unfinished sync events' workflows are looked up, to say why they are stuck. */
  temporal?: Client;
}

const ROLE_RANK: Record<Role, number> = { admin: 1, member: 2, viewer: 3 };

interface AuditRow {
  action: string;
  actor_type: string;
  target_id: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/**
 * Waits until no sync event of the tenants is pending or running. Returns
 * the events that did not complete, as problems.
 */
export async function settleSyncEvents(
  db: Db,
  tenantIds: string[],
  timeoutMs: number,
  temporal?: Client,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await db
      .selectFrom('sync_events')
      .select(['id', 'kind', 'state', 'last_error', 'dispatched_at', 'workflow_id'])
      .where('tenant_id', 'in', tenantIds)
      .where('state', '!=', 'completed')
      .execute();
    const unfinished = open.filter(
      (event) => event.state === 'pending' || event.state === 'running',
    );
    if (unfinished.length === 0 || Date.now() > deadline) {
      return Promise.all(
        open.map(async (event) => {
          const workflow =
            temporal === undefined
              ? ''
              : ` [${await describeWorkflow(temporal, event.workflow_id)}]`;

          return (
            `sync event ${event.id} (${event.kind}) is ${event.state}` +
            `${event.dispatched_at === null ? ', never dispatched' : ''}` +
            `${event.last_error === null ? '' : `: ${event.last_error}`}${workflow}`
          );
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The workflow of a stuck sync event as an operator would read it in the Temporal UI. */
async function describeWorkflow(temporal: Client, workflowId: string): Promise<string> {
  const history = await workflowHistory(temporal, workflowId);
  if (!history.available) return `workflow ${workflowId}: ${history.reason}`;
  const steps = history.run.activities
    .map(
      (step) =>
        `${step.activity_type} ${step.state} ×${step.attempts}${step.last_failure === null ? '' : ` (${step.last_failure})`}`,
    )
    .join('; ');

  const pending = await temporal.workflow
    .getHandle(workflowId)
    .describe()
    .then((description) =>
      (description.raw.pendingActivities ?? []).map(
        (activity) =>
          `${activity.activityType?.name} ${String(activity.state)} attempt ${activity.attempt}` +
          ` started ${String(activity.lastStartedTime?.seconds ?? '-')} by ${activity.lastWorkerIdentity ?? '-'}`,
      ),
    )
    .catch((error: unknown) => [String(error)]);

  return `workflow ${history.run.status}, ${history.run.history_length} events: ${steps}; pending: ${pending.join(', ')}; now ${Math.floor(Date.now() / 1000)}`;
}

function expectedRole(ledger: TrafficLedger, userId: string, user: ModelUser): Role | null {
  if (!user.active || user.deleted) return null;
  let best: Role | null = null;
  for (const group of ledger.groups.values()) {
    if (group.role === null || group.deleted || !group.members.has(userId)) continue;
    if (best === null || ROLE_RANK[group.role] < ROLE_RANK[best]) best = group.role;
  }

  return best ?? ledger.defaultRoles.get(user.tenantId) ?? null;
}

function countBy<T>(items: T[], key: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const value = key(item);
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }

  return counts;
}

async function introspectAll(input: NoLossInput, tokens: string[]): Promise<Map<string, boolean>> {
  const active = new Map<string, boolean>();
  const queue = [...tokens];
  const worker = async () => {
    for (let token = queue.pop(); token !== undefined; token = queue.pop()) {
      const response = await fetch(`${input.baseUrl}/auth/v1/introspect`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${input.adminApiKey}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ token }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json()) as { active?: boolean };
      active.set(token, response.status === 200 && body.active === true);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));

  return active;
}

/**
 * Rows against their audit events, whoever wrote them: every user and group
 * was created once, its version is one plus its audited changes, and a
 * deleted group has its event. A write that committed without its audit
 * event, or the reverse, shows here. Returns the problems found.
 */
export async function checkAtomicity(db: Db, tenantIds: string[]): Promise<string[]> {
  if (tenantIds.length === 0) return [];
  const problems: string[] = [];
  const audit = await db
    .selectFrom('audit_events')
    .select(['action', 'target_id'])
    .where('tenant_id', 'in', tenantIds)
    .where('action', 'in', [
      'scim.user.created',
      'user.jit_provisioned',
      'scim.user.updated',
      'scim.user.deleted',
      'scim.group.created',
      'scim.group.updated',
      'scim.group.deleted',
    ])
    .execute();
  const perTarget = countBy(audit, (event) => `${event.action}|${event.target_id}`);
  const times = (action: string, id: string) => perTarget.get(`${action}|${id}`) ?? 0;

  const users = await db
    .selectFrom('users')
    .select(['id', 'version', 'deleted_at'])
    .where('tenant_id', 'in', tenantIds)
    .execute();
  for (const row of users) {
    const created = times('scim.user.created', row.id) + times('user.jit_provisioned', row.id);
    const changes = times('scim.user.updated', row.id) + times('scim.user.deleted', row.id);
    if (created !== 1) problems.push(`user ${row.id} has ${created} created events`);
    if (row.version !== 1 + changes)
      problems.push(`user ${row.id} is at version ${row.version} after ${changes} audited changes`);
    if ((row.deleted_at !== null) !== (times('scim.user.deleted', row.id) === 1)) {
      problems.push(
        `user ${row.id}: deleted_at ${String(row.deleted_at)} against ${times('scim.user.deleted', row.id)} deleted events`,
      );
    }
  }
  const groups = await db
    .selectFrom('groups')
    .select(['id', 'version'])
    .where('tenant_id', 'in', tenantIds)
    .execute();
  const stored = new Set(groups.map((group) => group.id));
  for (const row of groups) {
    const changes = times('scim.group.updated', row.id);
    if (times('scim.group.created', row.id) !== 1)
      problems.push(`group ${row.id} has ${times('scim.group.created', row.id)} created events`);
    if (row.version !== 1 + changes)
      problems.push(
        `group ${row.id} is at version ${row.version} after ${changes} audited changes`,
      );
  }
  for (const event of audit.filter((event) => event.action === 'scim.group.deleted')) {
    if (stored.has(event.target_id!))
      problems.push(`group ${event.target_id} has a deleted event but still exists`);
    if (times('scim.group.created', event.target_id!) !== 1)
      problems.push(`deleted group ${event.target_id} was not created once`);
  }

  return problems;
}

/**
 * Settles the sync events, then compares the ledger with the database:
 *
 * - every acknowledged write has exactly one audit event, recorded by one of
 *   its attempts, and every SCIM audit event belongs to a write an IdP sent;
 * - every row's version is one plus its updates (no write without its audit
 *   event, no audit event without its write);
 * - users and groups hold what the IdPs were last told;
 * - every sync event completed; each deactivation or deletion owes one
 *   deprovisioning, which recorded itself once and revoked each token once;
 * - roles are what the groups and mapping give; tokens of inactive or
 *   deleted users introspect inactive.
 */
export async function checkNoLoss(input: NoLossInput): Promise<NoLossReport> {
  const { db, ledger } = input;
  const tenantIds = [
    ...new Set([...ledger.users.values(), ...ledger.groups.values()].map((item) => item.tenantId)),
  ];
  const problems: string[] = [];
  if (tenantIds.length === 0)
    return { problems: ['the traffic wrote nothing'], counts: emptyCounts() };

  problems.push(
    ...(await settleSyncEvents(db, tenantIds, input.settleTimeoutMs ?? 60_000, input.temporal)),
  );

  // Writes against their audit events.
  const audit: AuditRow[] = await db
    .selectFrom('audit_events')
    .select(['action', 'actor_type', 'target_id', 'request_id', 'details'])
    .where('tenant_id', 'in', tenantIds)
    .execute();
  const attemptIds = new Set(ledger.writes.flatMap((write) => write.attempts));
  const byWrite = countBy(
    audit,
    (event) => `${event.action}|${event.target_id}|${event.request_id}`,
  );
  for (const write of ledger.writes) {
    if (!write.acknowledged) {
      const refusal = write.refusal === undefined ? '' : `: ${write.refusal}`;
      problems.push(
        `${write.action} of ${write.targetId ?? 'a new resource'} was never acknowledged (${write.outcomes.join(', ')})${refusal}`,
      );
      continue;
    }
    const recorded = write.attempts.reduce(
      (sum, requestId) =>
        sum + (byWrite.get(`${write.action}|${write.targetId}|${requestId}`) ?? 0),
      0,
    );
    if (recorded !== 1) {
      problems.push(
        `${write.action} of ${write.targetId} (requests ${write.attempts.join(', ')}) has ${recorded} audit events, not 1`,
      );
    }
  }
  const scimEvents = audit.filter(
    (event) => event.actor_type === 'scim' && event.action.startsWith('scim.'),
  );
  for (const event of scimEvents) {
    if (event.request_id === null || !attemptIds.has(event.request_id)) {
      problems.push(
        `audit event ${event.action} of ${event.target_id} comes from request ${event.request_id}, which no IdP sent`,
      );
    }
  }

  problems.push(...(await checkAtomicity(db, tenantIds)));
  const users = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', 'in', tenantIds)
    .execute();
  const groups = await db
    .selectFrom('groups')
    .selectAll()
    .where('tenant_id', 'in', tenantIds)
    .execute();
  const groupRows = new Map(groups.map((group) => [group.id, group]));

  // What the IdPs were told against what is stored.
  const userRows = new Map(users.map((user) => [user.id, user]));
  for (const [id, user] of ledger.users) {
    const row = userRows.get(id);
    if (row === undefined) {
      problems.push(`user ${id} (${user.userName}) was acknowledged but is not stored`);
      continue;
    }
    const stored = {
      userName: row.user_name,
      active: row.active,
      deleted: row.deleted_at !== null,
      title: (row.resource as { title?: string }).title,
    };
    const told = {
      userName: user.userName,
      active: user.active,
      deleted: user.deleted,
      title: user.title,
    };
    if (JSON.stringify(stored) !== JSON.stringify(told)) {
      problems.push(
        `user ${id} is stored as ${JSON.stringify(stored)}, the IdP was told ${JSON.stringify(told)}`,
      );
    }
  }
  const members = await db
    .selectFrom('group_members')
    .select(['group_id', 'user_id'])
    .where('tenant_id', 'in', tenantIds)
    .execute();
  for (const [id, group] of ledger.groups) {
    const row = groupRows.get(id);
    if (group.deleted !== (row === undefined)) {
      problems.push(
        `group ${id} is ${row === undefined ? 'gone' : 'stored'}, the IdP was told ${group.deleted ? 'deleted' : 'it exists'}`,
      );
      continue;
    }
    if (row === undefined) continue;
    const stored = members
      .filter((member) => member.group_id === id)
      .map((member) => member.user_id)
      .sort();
    const told = [...group.members].sort();
    if (row.display_name !== group.displayName || JSON.stringify(stored) !== JSON.stringify(told)) {
      problems.push(
        `group ${id} holds ${row.display_name} ${JSON.stringify(stored)}, the IdP was told ${group.displayName} ${JSON.stringify(told)}`,
      );
    }
  }

  // Deprovisionings: owed once per deactivation or deletion, done once each.
  const events = await db
    .selectFrom('sync_events')
    .selectAll()
    .where('tenant_id', 'in', tenantIds)
    .execute();
  const deprovisionings = events.filter((event) => event.kind === 'deprovision');
  const perUser = countBy(deprovisionings, (event) => event.resource_id);
  for (const [id, user] of ledger.users) {
    if ((perUser.get(id) ?? 0) !== user.deprovisionsOwed) {
      problems.push(
        `user ${id} owes ${user.deprovisionsOwed} deprovisionings, ${perUser.get(id) ?? 0} were recorded`,
      );
    }
  }
  const systemSteps = countBy(
    audit.filter((event) => event.actor_type === 'system'),
    (event) => `${event.action}|${String(event.details.sync_event_id)}`,
  );
  for (const event of deprovisionings) {
    const step = (action: string) => systemSteps.get(`${action}|${event.id}`) ?? 0;
    if (step('user.deprovisioned') !== 1)
      problems.push(`deprovisioning ${event.id} recorded ${step('user.deprovisioned')} times`);
    for (const action of [
      'user.account_deactivated',
      'user.sessions_revoked',
      'user.agent_tokens_revoked',
    ]) {
      if (step(action) > 1)
        problems.push(`deprovisioning ${event.id} recorded ${action} ${step(action)} times`);
    }
  }
  const roleChanges = countBy(
    audit.filter((event) => event.action === 'role.changed'),
    (event) => `${String(event.details.sync_event_id)}|${event.target_id}`,
  );
  for (const [key, count] of roleChanges) {
    if (count > 1) problems.push(`role change ${key} (sync event|user) recorded ${count} times`);
  }

  // Each token revoked once (the audit counts add up), and none left alive for an inactive user.
  for (const [table, action] of [
    ['sessions', 'user.sessions_revoked'],
    ['agent_tokens', 'user.agent_tokens_revoked'],
  ] as const) {
    const recorded = new Map<string, number>();
    for (const event of audit.filter((event) => event.action === action)) {
      recorded.set(
        event.target_id!,
        (recorded.get(event.target_id!) ?? 0) + Number(event.details.count),
      );
    }
    const tokens = await db
      .selectFrom(table)
      .select(['user_id', 'revoked_at'])
      .where('tenant_id', 'in', tenantIds)
      .execute();
    const revoked = countBy(
      tokens.filter((token) => token.revoked_at !== null),
      (token) => token.user_id,
    );
    for (const userId of new Set([...revoked.keys(), ...recorded.keys()])) {
      if ((recorded.get(userId) ?? 0) !== (revoked.get(userId) ?? 0)) {
        problems.push(
          `user ${userId}: ${revoked.get(userId) ?? 0} ${table} revoked, the audit log counts ${recorded.get(userId) ?? 0}`,
        );
      }
    }
    for (const token of tokens) {
      const row = userRows.get(token.user_id);
      if (
        row !== undefined &&
        (!row.active || row.deleted_at !== null) &&
        token.revoked_at === null
      ) {
        problems.push(
          `user ${token.user_id} is deprovisioned but one of their ${table} is not revoked`,
        );
      }
    }
  }

  // Roles: what the directory gives (the service's own rule) and what the IdPs' model gives.
  for (const tenantId of tenantIds) {
    const { rows } = await sql<{ id: string; role: Role | null; computed: Role | null }>`
      select u.id, u.role, ${computedRole(storedMapping(tenantId))} as computed
      from users u where u.tenant_id = ${tenantId}`.execute(db);
    for (const row of rows) {
      if (row.role !== row.computed)
        problems.push(`user ${row.id} has role ${row.role}; the directory gives ${row.computed}`);
      const user = ledger.users.get(row.id);
      const expected = user === undefined ? undefined : expectedRole(ledger, row.id, user);
      if (expected !== undefined && row.role !== expected) {
        problems.push(`user ${row.id} has role ${row.role}; the IdPs' groups give ${expected}`);
      }
    }
  }

  // Tokens of deprovisioned users, through the introspection endpoint relying parties call.
  const dead = ledger.tokens.filter((token) => {
    const row = userRows.get(token.userId);
    return row !== undefined && (!row.active || row.deleted_at !== null);
  });
  const introspected = await introspectAll(
    input,
    dead.map((token) => token.token),
  );
  for (const token of dead) {
    if (introspected.get(token.token) !== false) {
      problems.push(
        `a ${token.kind} token of deprovisioned user ${token.userId} still introspects active`,
      );
    }
  }

  return {
    problems,
    counts: {
      acknowledgedWrites: ledger.acknowledgedWrites(),
      auditEventsChecked: audit.length,
      syncEventsCompleted: events.filter((event) => event.state === 'completed').length,
      deprovisionings: deprovisionings.length,
      tokensIntrospected: dead.length,
      usersChecked: users.length,
      groupsChecked: groups.length,
    },
  };
}

function emptyCounts(): NoLossReport['counts'] {
  return {
    acknowledgedWrites: 0,
    auditEventsChecked: 0,
    syncEventsCompleted: 0,
    deprovisionings: 0,
    tokensIntrospected: 0,
    usersChecked: 0,
    groupsChecked: 0,
  };
}
