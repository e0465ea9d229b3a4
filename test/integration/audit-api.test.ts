import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { request } from '../support/http';
import { newId } from '../../src/ids';

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false, dispatcher: false });

const admin = () => ({ token: stack.adminApiKey });

interface Seeded {
  id: string;
  occurred_at: string;
  action: string;
  actor_id: string | null;
  target_id: string;
}

/** A tenant whose log holds known events, some sharing a timestamp and some a microsecond apart. */
async function seededTenant(): Promise<{ tenantId: string; events: Seeded[] }> {
  const created = await request(stack, 'POST', '/admin/v1/tenants', {
    ...admin(),
    body: { name: 'Audited' },
  });
  const tenantId: string = created.body.id;
  const specs: Array<Omit<Seeded, 'id'>> = [
    {
      occurred_at: '2025-03-01T10:00:00.000000Z',
      action: 'scim.user.created',
      actor_id: tenantId,
      target_id: 'usr_a',
    },
    {
      occurred_at: '2025-03-01T10:00:00.000001Z',
      action: 'user.sessions_revoked',
      actor_id: null,
      target_id: 'usr_a',
    },
    {
      occurred_at: '2025-03-01T10:00:00.000002Z',
      action: 'user.deprovisioned',
      actor_id: null,
      target_id: 'usr_a',
    },
    {
      occurred_at: '2025-03-02T09:30:00.000000Z',
      action: 'scim.token_rotated',
      actor_id: 'jane.doe',
      target_id: 'stk_x',
    },
    {
      occurred_at: '2025-03-02T09:30:00.000000Z',
      action: 'scim.token_revoked',
      actor_id: 'jane.doe',
      target_id: 'stk_x',
    },
    {
      occurred_at: '2025-03-02T09:30:00.000000Z',
      action: 'sync_event.replay_requested',
      actor_id: 'sam',
      target_id: 'sev_y',
    },
    {
      occurred_at: '2025-03-03T00:00:00.000000Z',
      action: 'user.deprovisioned',
      actor_id: null,
      target_id: 'usr_b',
    },
  ];
  const events = specs.map((spec) => ({ ...spec, id: newId('evt') }));
  await stack.database.db
    .insertInto('audit_events')
    .values(
      events.map((event) => ({
        id: event.id,
        tenant_id: tenantId,
        occurred_at: event.occurred_at,
        actor_type: event.actor_id === null ? ('system' as const) : ('admin' as const),
        actor_id: event.actor_id,
        action: event.action,
        target_type: 'User',
        target_id: event.target_id,
        request_id: 'req-seed',
        user_agent: 'Okta SCIM Client 1.0.0',
        details: JSON.stringify({ seeded: true }),
      })),
    )
    .execute();

  return { tenantId, events };
}

async function listIds(tenantId: string, query: string): Promise<string[]> {
  const listed = await request(
    stack,
    'GET',
    `/admin/v1/tenants/${tenantId}/audit-events?${query}`,
    admin(),
  );
  expect(listed.status).toBe(200);

  return listed.body.items.map((event: { id: string }) => event.id);
}

/** Seeded ids, newest first, the list's order. */
function newestFirst(events: Seeded[]): string[] {
  return [...events]
    .sort((a, b) =>
      a.occurred_at === b.occurred_at
        ? a.id < b.id
          ? 1
          : -1
        : a.occurred_at < b.occurred_at
          ? 1
          : -1,
    )
    .map((event) => event.id);
}

describe('audit log API', () => {
  it('pages through every event newest first without skipping events that share a timestamp', async () => {
    const { tenantId, events } = await seededTenant();
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await request(
        stack,
        'GET',
        `/admin/v1/tenants/${tenantId}/audit-events?since=2025-01-01T00:00:00Z&until=2025-04-01T00:00:00Z&limit=2${cursor === '' ? '' : `&cursor=${cursor}`}`,
        admin(),
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((event: { id: string }) => event.id));
      cursor = page.body.next_cursor;
      pages += 1;
    }

    expect(seen).toEqual(newestFirst(events));
    expect(pages).toBe(4);
  });

  it('filters by action, action prefix, target, actor and a half-open time range', async () => {
    const { tenantId, events } = await seededTenant();
    const ids = (predicate: (event: Seeded) => boolean) => newestFirst(events.filter(predicate));

    expect(await listIds(tenantId, 'action=user.deprovisioned')).toEqual(
      ids((event) => event.action === 'user.deprovisioned'),
    );
    expect(await listIds(tenantId, 'action=user.*')).toEqual(
      ids((event) => event.action.startsWith('user.')),
    );
    expect(await listIds(tenantId, 'action=scim.token_*')).toEqual(
      ids((event) => event.action.startsWith('scim.token_')),
    );
    expect(await listIds(tenantId, 'target=usr_a')).toEqual(
      ids((event) => event.target_id === 'usr_a'),
    );
    expect(await listIds(tenantId, 'actor=jane.doe')).toEqual(
      ids((event) => event.actor_id === 'jane.doe'),
    );
    expect(await listIds(tenantId, 'actor_type=system&target=usr_b')).toEqual(
      ids((event) => event.target_id === 'usr_b'),
    );
    expect(
      await listIds(tenantId, 'since=2025-03-01T10:00:00.000001Z&until=2025-03-02T09:30:00Z'),
    ).toEqual(
      ids(
        (event) =>
          event.occurred_at >= '2025-03-01T10:00:00.000001Z' &&
          event.occurred_at < '2025-03-02T09:30:00.000000Z',
      ),
    );
    expect(
      await listIds(
        tenantId,
        'since=2025-03-02T10:30:00%2B01:00&action=sync_event.replay_requested',
      ),
    ).toHaveLength(1);

    const [first] = (
      await request(
        stack,
        'GET',
        `/admin/v1/tenants/${tenantId}/audit-events?target=usr_b`,
        admin(),
      )
    ).body.items;
    expect(first).toEqual({
      id: expect.any(String),
      occurred_at: '2025-03-03T00:00:00.000Z',
      actor_type: 'system',
      actor_id: null,
      action: 'user.deprovisioned',
      target_type: 'User',
      target_id: 'usr_b',
      request_id: 'req-seed',
      user_agent: 'Okta SCIM Client 1.0.0',
      details: { seeded: true },
    });
  });

  it('refuses malformed filters with a 400 naming the parameter', async () => {
    const { tenantId } = await seededTenant();
    for (const [query, parameter] of [
      ['since=yesterday', 'since'],
      ['until=2025-03-01', 'until'],
      ['limit=0', 'limit'],
      ['action=user;drop', 'action'],
      ['actr=jane', 'actr'],
      ['cursor=not-a-cursor', 'cursor'],
    ]) {
      const refused = await request(
        stack,
        'GET',
        `/admin/v1/tenants/${tenantId}/audit-events?${query}`,
        admin(),
      );
      expect([query, refused.status, refused.body.scimType]).toEqual([query, 400, 'invalidValue']);
      expect(refused.body.detail).toContain(parameter);
    }
    const unknownTenant = await request(
      stack,
      'GET',
      `/admin/v1/tenants/ten_nope/audit-events`,
      admin(),
    );
    expect(unknownTenant.status).toBe(404);
  });

  it('exports the matching events oldest first as JSON Lines', async () => {
    const { tenantId, events } = await seededTenant();

    const response = await fetch(
      `${stack.baseUrl}/admin/v1/tenants/${tenantId}/audit-events/export?since=2025-01-01T00:00:00Z&until=2025-04-01T00:00:00Z`,
      {
        headers: { Authorization: `Bearer ${stack.adminApiKey}` },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jsonl; charset=utf-8');
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id)).toEqual(newestFirst(events).reverse());

    const filtered = await fetch(
      `${stack.baseUrl}/admin/v1/tenants/${tenantId}/audit-events/export?action=user.*&target=usr_a`,
      {
        headers: { Authorization: `Bearer ${stack.adminApiKey}` },
      },
    );
    const filteredLines = (await filtered.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).action);
    expect(filteredLines).toEqual(['user.sessions_revoked', 'user.deprovisioned']);
  });

  it('streams an export larger than one batch in order', async () => {
    const created = await request(stack, 'POST', '/admin/v1/tenants', {
      ...admin(),
      body: { name: 'Busy' },
    });
    const tenantId: string = created.body.id;
    const rows = Array.from({ length: 2500 }, (_, index) => ({
      id: newId('evt'),
      tenant_id: tenantId,
      occurred_at: new Date(Date.UTC(2025, 0, 1) + Math.floor(index / 3) * 1000),
      actor_type: 'system' as const,
      action: 'role.changed',
      target_id: `usr_${index}`,
      details: JSON.stringify({ index }),
    }));
    await stack.database.db.insertInto('audit_events').values(rows).execute();

    const response = await fetch(
      `${stack.baseUrl}/admin/v1/tenants/${tenantId}/audit-events/export?action=role.changed`,
      {
        headers: { Authorization: `Bearer ${stack.adminApiKey}` },
      },
    );
    const indexes = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).details.index);
    expect(indexes).toEqual(rows.map((_, index) => index));
  });

  it('is append-only in the database itself: UPDATE and DELETE raise and the row stays', async () => {
    const { events } = await seededTenant();
    const target = events[0]!;
    const db = stack.database.db;

    await expect(
      db
        .updateTable('audit_events')
        .set({ action: 'nothing.happened' })
        .where('id', '=', target.id)
        .execute(),
    ).rejects.toThrow(/append-only \(UPDATE refused\)/);
    await expect(
      db.deleteFrom('audit_events').where('id', '=', target.id).execute(),
    ).rejects.toThrow(/append-only \(DELETE refused\)/);
    const row = await db
      .selectFrom('audit_events')
      .select(['action', 'target_id'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ action: target.action, target_id: target.target_id });
  });
});
