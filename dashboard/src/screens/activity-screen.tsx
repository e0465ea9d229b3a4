import { Fragment, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { tenantPath } from '../api/client';
import type {
  AuditEvent,
  DirectoryUser,
  Page,
  ReplayFailedResult,
  ReplayResult,
  SyncEvent,
  SyncEventDetail,
  SyncEventKind,
  SyncEventState,
} from '../api/types';
import { SyncStateBadge } from '../components/badges';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorNotice } from '../components/error-notice';
import { TimeText } from '../components/time-text';
import { useDashboard, useTenant } from '../dashboard-context';
import { hrefFor } from '../routing';
import { useLoad } from '../use-load';
import { ScreenTitle } from './screen-title';

/** While a shown sync event is unfinished, the list refreshes this often. */
const LIVE_REFRESH_MS = 2000;
const SYNC_PAGE = 25;
const AUDIT_PAGE = 50;

const STATES: SyncEventState[] = ['pending', 'running', 'completed', 'failed'];

/** `names` maps user ids to userNames, for the events about one person. */
function describeSyncEvent(event: SyncEvent, names: Map<string, string>): string {
  const reason = typeof event.payload.reason === 'string' ? event.payload.reason : null;
  const who = names.get(event.resource_id) ?? event.resource_id;
  if (event.kind === 'deprovision') {
    return `Deprovision ${who}${reason === null ? '' : ` (${reason})`}`;
  }
  const about = event.resource_type === 'User' ? ` of ${who}` : '';

  return `Re-evaluate roles${about}${reason === null ? '' : `: ${reason}`}`;
}

const ACTOR_LABELS: Record<AuditEvent['actor_type'], string> = {
  scim: 'Identity provider',
  admin: 'Admin',
  system: 'Bulwark',
  user: 'User',
};

export function ActivityScreen({ params }: { params: URLSearchParams }) {
  return (
    <>
      <ScreenTitle intro="What the identity provider changed, what Bulwark did about it, and who changed the settings.">
        Activity
      </ScreenTitle>
      {/* A link with another ?state= starts the list afresh with that filter. */}
      <SyncEvents key={params.get('state') ?? ''} initialState={params.get('state') ?? ''} />
      <AuditLog />
    </>
  );
}

function SyncEvents({ initialState }: { initialState: string }) {
  const { api } = useDashboard();
  const { tenantId, overview, refreshOverview } = useTenant();
  const [state, setState] = useState(initialState);
  const [kind, setKind] = useState('');
  const events = useLoad(
    () =>
      api.get<Page<SyncEvent>>(tenantPath(tenantId, '/sync-events'), {
        state,
        kind,
        limit: SYNC_PAGE,
      }),
    [api, tenantId, state, kind],
  );
  const [open, setOpen] = useState<string | null>(null);
  const [replaying, setReplaying] = useState<string | null>(null);
  const [replayNotice, setReplayNotice] = useState<string | null>(null);
  const [replayError, setReplayError] = useState<unknown>();
  const [confirmAll, setConfirmAll] = useState(false);
  const [older, setOlder] = useState<{
    key: string;
    items: SyncEvent[];
    cursor: string | null;
  } | null>(null);
  const [olderError, setOlderError] = useState<unknown>();
  const filterKey = `${state}/${kind}`;
  const extra = older !== null && older.key === filterKey ? older : null;
  const firstIds = new Set((events.data?.items ?? []).map((event) => event.id));
  // The first page refreshes while events run; older pages stay, minus what the first now shows.
  const items = [
    ...(events.data?.items ?? []),
    ...(extra?.items ?? []).filter((event) => !firstIds.has(event.id)),
  ];
  const nextCursor = extra === null ? events.data?.next_cursor : extra.cursor;
  // Names for the people the shown events are about; the API names up to 100 at a time.
  const userIds = [
    ...new Set(
      items.filter((event) => event.resource_type === 'User').map((event) => event.resource_id),
    ),
  ]
    .slice(0, 100)
    .join(',');
  const people = useLoad(
    () =>
      userIds === ''
        ? Promise.resolve({ items: [], next_cursor: null })
        : api.get<Page<DirectoryUser>>(tenantPath(tenantId, '/users'), {
            ids: userIds,
            limit: 100,
          }),
    [api, tenantId, userIds],
  );
  const names = new Map((people.data?.items ?? []).map((user) => [user.id, user.userName]));

  const live = items.some((event) => event.state === 'pending' || event.state === 'running');
  const { reload } = events;
  useEffect(() => {
    // The summary bar counts the same events: keep it in step with what the list shows.
    if (events.data !== undefined) refreshOverview();
  }, [events.data, refreshOverview]);
  useEffect(() => {
    if (!live) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, LIVE_REFRESH_MS);

    return () => window.clearInterval(timer);
  }, [live, reload]);

  async function replay(event: SyncEvent) {
    setReplaying(event.id);
    setReplayError(undefined);
    setReplayNotice(null);
    try {
      const result = await api.send<ReplayResult>(
        'POST',
        tenantPath(tenantId, `/sync-events/${encodeURIComponent(event.id)}/replay`),
        {},
      );
      setReplayNotice(`${event.id}: ${result.detail}`);
      reload();
    } catch (caught) {
      setReplayError(caught);
    } finally {
      setReplaying(null);
    }
  }

  async function loadOlder() {
    if (nextCursor === null || nextCursor === undefined) return;
    setOlderError(undefined);
    try {
      const page = await api.get<Page<SyncEvent>>(tenantPath(tenantId, '/sync-events'), {
        state,
        kind,
        limit: SYNC_PAGE,
        cursor: nextCursor,
      });
      setOlder({
        key: filterKey,
        items: [...(extra?.items ?? []), ...page.items],
        cursor: page.next_cursor,
      });
    } catch (caught) {
      setOlderError(caught);
    }
  }

  async function replayAllFailed() {
    const result = await api.send<ReplayFailedResult>(
      'POST',
      tenantPath(tenantId, '/sync-events/replay-failed'),
      {},
    );
    setReplayNotice(
      `Replayed ${result.replayed} failed sync event(s)` +
        (result.remaining > 0 ? `; ${result.remaining} are left for another round.` : '.'),
    );
    reload();
  }

  const failedCount = overview?.sync_events.failed ?? 0;

  return (
    <section className="card" aria-labelledby="sync-title">
      <h2 id="sync-title">Sync events</h2>
      <p className="field-hint">
        Each change that owes background work (deprovisioning a person, re-evaluating roles) is a
        sync event run by a Temporal workflow.
      </p>
      <div className="filters">
        <div className="field">
          <label htmlFor="sync-state">State</label>
          <select id="sync-state" value={state} onChange={(event) => setState(event.target.value)}>
            <option value="">Any</option>
            {STATES.map((value) => (
              <option key={value} value={value}>
                {value[0]?.toUpperCase()}
                {value.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="sync-kind">Kind</label>
          <select
            id="sync-kind"
            value={kind}
            onChange={(event) => setKind(event.target.value as SyncEventKind | '')}
          >
            <option value="">Any</option>
            <option value="deprovision">Deprovisioning</option>
            <option value="reevaluate_roles">Role re-evaluation</option>
          </select>
        </div>
        <div className="button-row filters-actions">
          <button type="button" onClick={reload} disabled={events.loading}>
            Refresh
          </button>
          {failedCount > 0 && (
            <button type="button" onClick={() => setConfirmAll(true)}>
              Replay all failed ({failedCount})
            </button>
          )}
        </div>
      </div>
      {live && (
        <p className="field-hint" role="status">
          Updating while events are in progress…
        </p>
      )}
      {replayNotice !== null && (
        <p className="notice notice-success" role="status">
          {replayNotice}
        </p>
      )}
      <ErrorNotice error={replayError} action="replay the sync event" />
      <ErrorNotice error={events.error} action="list the sync events" onRetry={reload} />
      {events.data !== undefined && items.length === 0 && (
        <p className="empty">No sync event{state === '' && kind === '' ? ' yet' : ' matches'}.</p>
      )}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="sync-title">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((event) => {
                const expanded = open === event.id;

                return (
                  <Fragment key={event.id}>
                    <tr data-sync-event={event.id} data-state={event.state}>
                      <td className="when">
                        <TimeText value={event.created_at} />
                      </td>
                      <th scope="row">
                        <span className="block">{describeSyncEvent(event, names)}</span>
                        <code className="muted">{event.id}</code>
                        {event.state === 'failed' && event.last_error !== null && (
                          <span className="error-text block">{event.last_error}</span>
                        )}
                      </th>
                      <td>
                        <SyncStateBadge state={event.state} />
                        {event.replays > 0 && (
                          <span className="muted block">replayed {event.replays}×</span>
                        )}
                      </td>
                      <td>
                        <div className="button-row tight">
                          <button
                            type="button"
                            className="button-small"
                            aria-expanded={expanded}
                            aria-label={`Details of ${event.id}`}
                            onClick={() => setOpen(expanded ? null : event.id)}
                          >
                            Details
                          </button>
                          {event.state === 'failed' && (
                            <button
                              type="button"
                              className="button-small button-primary"
                              aria-label={`Replay ${event.id}`}
                              disabled={replaying !== null}
                              onClick={() => replay(event)}
                            >
                              {replaying === event.id ? 'Replaying…' : 'Replay'}
                            </button>
                          )}
                          <a
                            className="button-small button-link"
                            href={event.temporal_ui_url}
                            target="_blank"
                            rel="noopener noreferrer"
                          >
                            Temporal UI
                            <span className="visually-hidden">
                              {' '}
                              for {event.id} (opens in a new tab)
                            </span>
                          </a>
                        </div>
                      </td>
                    </tr>
                    {expanded && (
                      <tr className="detail-row">
                        <td colSpan={4}>
                          <SyncEventDetails eventId={event.id} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNotice error={olderError} action="load older sync events" />
      {nextCursor != null && (
        <button type="button" onClick={loadOlder}>
          Show older sync events
        </button>
      )}
      {confirmAll && (
        <ConfirmDialog
          title="Replay every failed sync event?"
          confirmLabel="Replay failed events"
          tone="normal"
          action="replay the failed sync events"
          onConfirm={replayAllFailed}
          onClose={() => setConfirmAll(false)}
        >
          <p>
            Each failed event runs its workflow again, oldest first. Fix the cause first: a replay
            of an unfixed fault fails the same way.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function SyncEventDetails({ eventId }: { eventId: string }) {
  const { api } = useDashboard();
  const { tenantId } = useTenant();
  const detail = useLoad(
    () =>
      api.get<SyncEventDetail>(tenantPath(tenantId, `/sync-events/${encodeURIComponent(eventId)}`)),
    [api, tenantId, eventId],
  );
  const running = detail.data?.history?.status === 'RUNNING';
  const { reload } = detail;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(reload, LIVE_REFRESH_MS);

    return () => window.clearInterval(timer);
  }, [running, reload]);

  if (detail.error !== undefined) {
    return (
      <ErrorNotice error={detail.error} action="load the sync event" onRetry={detail.reload} />
    );
  }
  if (detail.data === undefined) return <p aria-busy="true">Loading…</p>;
  const { data } = detail;

  return (
    <div className="event-detail">
      <dl className="pairs">
        <dt>Workflow</dt>
        <dd>
          <code className="break">{data.workflow_id}</code>
        </dd>
        <dt>Resource</dt>
        <dd>
          {data.resource_type === 'User' ? (
            <a href={hrefFor(tenantId, 'directory', { q: data.resource_id })}>{data.resource_id}</a>
          ) : (
            <code>{data.resource_id}</code>
          )}
        </dd>
        <dt>Completed</dt>
        <dd>
          <TimeText value={data.completed_at} empty="not yet" />
        </dd>
        {data.workflow_runs.length > 1 && (
          <>
            <dt>Runs</dt>
            <dd>
              <ul className="plain-list">
                {data.workflow_runs.map((run) => (
                  <li key={run.workflow_id}>
                    <a href={run.temporal_ui_url} target="_blank" rel="noopener noreferrer">
                      {run.workflow_id}
                    </a>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {data.history === null ? (
        <p className="field-hint">Workflow history unavailable: {data.history_unavailable}</p>
      ) : (
        <>
          <p>
            Latest run: <strong>{data.history.status.toLowerCase()}</strong>
            {data.history.failure !== null && (
              <span className="error-text"> — {data.history.failure}</span>
            )}
          </p>
          <ol className="steps">
            {data.history.activities.map((step) => (
              <li key={step.activity_id}>
                <span>{step.summary ?? step.activity_type}</span>{' '}
                <span
                  className={`badge badge-${step.state === 'completed' ? 'completed' : step.state === 'failed' || step.state === 'timed_out' ? 'failed' : 'pending'}`}
                >
                  {step.state.replace('_', ' ')}
                </span>{' '}
                <span className="muted">
                  {step.attempts} attempt{step.attempts === 1 ? '' : 's'}
                </span>
                {step.last_failure !== null && (
                  <span className="error-text block">{step.last_failure}</span>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

interface AuditFilters {
  actor_type: string;
  action: string;
  target: string;
  since: string;
}

const NO_FILTERS: AuditFilters = { actor_type: '', action: '', target: '', since: '' };

/** `datetime-local` gives local wall time without a zone; the API wants an instant. */
function sinceInstant(local: string): string | undefined {
  if (local === '') return undefined;
  const time = new Date(local);

  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

function AuditLog() {
  const { api } = useDashboard();
  const { tenantId } = useTenant();
  const [form, setForm] = useState<AuditFilters>(NO_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(NO_FILTERS);
  const [more, setMore] = useState<{ items: AuditEvent[]; cursor: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  const query = {
    actor_type: applied.actor_type,
    action: applied.action.trim(),
    target: applied.target.trim(),
    since: sinceInstant(applied.since),
    limit: AUDIT_PAGE,
  };
  const first = useLoad(
    () => api.get<Page<AuditEvent>>(tenantPath(tenantId, '/audit-events'), query),
    [api, tenantId, applied],
  );

  function apply(event: FormEvent) {
    event.preventDefault();
    setMore(null);
    setApplied(form);
    if (JSON.stringify(form) === JSON.stringify(applied)) first.reload();
  }

  async function loadMore() {
    const cursor = more?.cursor ?? first.data?.next_cursor;
    if (cursor === null || cursor === undefined) return;
    setMoreError(undefined);
    try {
      const page = await api.get<Page<AuditEvent>>(tenantPath(tenantId, '/audit-events'), {
        ...query,
        cursor,
      });
      setMore((previous) => ({
        items: [...(previous?.items ?? []), ...page.items],
        cursor: page.next_cursor,
      }));
    } catch (caught) {
      setMoreError(caught);
    }
  }

  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const nextCursor = more === null ? first.data?.next_cursor : more.cursor;
  const set = (key: keyof AuditFilters) => (value: string) =>
    setForm((current) => ({ ...current, [key]: value }));

  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        <div className="field">
          <label htmlFor="audit-actor">Who</label>
          <select
            id="audit-actor"
            value={form.actor_type}
            onChange={(event) => set('actor_type')(event.target.value)}
          >
            <option value="">Anyone</option>
            <option value="scim">Identity provider (SCIM writes)</option>
            <option value="admin">Admins</option>
            <option value="system">Bulwark (workflows)</option>
            <option value="user">Users</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input
            id="audit-action"
            placeholder="user.* or scim.user.deleted"
            value={form.action}
            onChange={(event) => set('action')(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-target">About (id)</label>
          <input
            id="audit-target"
            placeholder="usr_…, grp_…, sev_…"
            value={form.target}
            onChange={(event) => set('target')(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-since">Since</label>
          <input
            id="audit-since"
            type="datetime-local"
            value={form.since}
            onChange={(event) => set('since')(event.target.value)}
          />
        </div>
        <div className="button-row filters-actions">
          <button type="submit" className="button-primary">
            Apply filters
          </button>
          <button
            type="button"
            onClick={() => {
              setForm(NO_FILTERS);
              setMore(null);
              setApplied(NO_FILTERS);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorNotice error={first.error} action="load the audit log" onRetry={first.reload} />
      {first.data !== undefined && items.length === 0 && (
        <p className="empty">No audit event matches.</p>
      )}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="audit-title">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">About</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((event) => (
                <tr key={event.id}>
                  <td className="when">
                    <TimeText value={event.occurred_at} />
                  </td>
                  <td>
                    {ACTOR_LABELS[event.actor_type]}
                    <ActorDetail event={event} />
                  </td>
                  <th scope="row">
                    <code>{event.action}</code>
                  </th>
                  <td>
                    {event.target_id === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <>
                        {event.target_type !== null && (
                          <span className="block">{event.target_type}</span>
                        )}
                        <code className="muted">{event.target_id}</code>
                      </>
                    )}
                  </td>
                  <td>
                    <AuditDetails details={event.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNotice error={moreError} action="load more of the audit log" />
      {nextCursor != null && (
        <button type="button" onClick={loadMore}>
          Show older events
        </button>
      )}
    </section>
  );
}

/**
 * SCIM writes are recorded under the tenant's id, which says nothing here:
 * the IdP's user agent tells which connection sent them.
 */
function ActorDetail({ event }: { event: AuditEvent }) {
  const detail =
    event.actor_type === 'scim' ? (event.user_agent ?? event.actor_id) : event.actor_id;
  if (detail === null) return null;

  return <span className="muted block break">{detail}</span>;
}

function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const keys = Object.keys(details);
  if (keys.length === 0) return <span className="muted">—</span>;
  const text = JSON.stringify(details, null, 2);
  if (text.length <= 80) return <code className="break">{JSON.stringify(details)}</code>;

  return (
    <details>
      <summary>
        {keys.slice(0, 3).join(', ')}
        {keys.length > 3 ? '…' : ''}
      </summary>
      <pre className="json">{text}</pre>
    </details>
  );
}
