import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type ProtoFailure = temporal.api.failure.v1.IFailure;

/** How one activity of a run went, as the Temporal UI would show it. */
export interface ActivityRunSummary {
  activity_id: string;
  activity_type: string;
  /** The per-step summary the workflow gave, e.g. "revoke sessions". */
  summary: string | null;
  state: 'scheduled' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed_out' | 'canceled';
  attempts: number;
  last_failure: string | null;
}

export interface WorkflowRunSummary {
  run_id: string;
  status: string;
  start_time: string;
  close_time: string | null;
  history_length: number;
  failure: string | null;
  activities: ActivityRunSummary[];
}

export type WorkflowHistoryResult =
  { available: true; run: WorkflowRunSummary } | { available: false; reason: string };

/** A history read is a convenience: it gives up rather than holding a request for long. */
const HISTORY_DEADLINE_MS = 5000;

/** The root cause of a failure chain, with its application type when there is one. */
export function failureText(failure: ProtoFailure | null | undefined): string | null {
  if (failure === null || failure === undefined) return null;
  let root = failure;
  while (root.cause !== null && root.cause !== undefined) root = root.cause;
  const type = root.applicationFailureInfo?.type;
  const text = type ? `${type}: ${root.message ?? ''}` : (root.message ?? '');
  // The workflow-level message names the step; the root names the cause.
  if (root === failure || !failure.message || failure.message === 'Activity task failed')
    return text;

  return `${failure.message} (${text})`;
}

function summaryOf(metadata: temporal.api.sdk.v1.IUserMetadata | null | undefined): string | null {
  if (metadata?.summary === null || metadata?.summary === undefined) return null;
  try {
    const value = defaultPayloadConverter.fromPayload<unknown>(metadata.summary);

    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** Folds a run's events into one line per activity. */
function activitiesOf(
  events: temporal.api.history.v1.IHistoryEvent[],
  pending: temporal.api.workflow.v1.IPendingActivityInfo[],
): ActivityRunSummary[] {
  const byScheduledEvent = new Map<string, ActivityRunSummary>();
  const byActivityId = new Map<string, ActivityRunSummary>();
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const activity: ActivityRunSummary = {
        activity_id: scheduled.activityId ?? '',
        activity_type: scheduled.activityType?.name ?? 'unknown',
        summary: summaryOf(event.userMetadata),
        state: 'scheduled',
        attempts: 0,
        last_failure: null,
      };
      byScheduledEvent.set(String(event.eventId), activity);
      byActivityId.set(activity.activity_id, activity);
      continue;
    }
    // Temporal records the start of the last attempt only, with its attempt number and the
    // failure of the attempt before it.
    const started = event.activityTaskStartedEventAttributes;
    const completed = event.activityTaskCompletedEventAttributes;
    const failed = event.activityTaskFailedEventAttributes;
    const timedOut = event.activityTaskTimedOutEventAttributes;
    const canceled = event.activityTaskCanceledEventAttributes;
    const scheduledId = (started ?? completed ?? failed ?? timedOut ?? canceled)?.scheduledEventId;
    const activity =
      scheduledId === undefined ? undefined : byScheduledEvent.get(String(scheduledId));
    if (activity === undefined) continue;
    if (started) {
      activity.state = 'running';
      activity.attempts = started.attempt ?? 1;
      activity.last_failure = failureText(started.lastFailure) ?? activity.last_failure;
    } else if (completed) {
      activity.state = 'completed';
    } else if (failed) {
      activity.state = 'failed';
      activity.last_failure = failureText(failed.failure);
    } else if (timedOut) {
      activity.state = 'timed_out';
      activity.last_failure = failureText(timedOut.failure);
    } else {
      activity.state = 'canceled';
    }
  }

  // A step between retries has no history event yet; the pending list has its attempts and
  // last error.
  for (const info of pending) {
    const activity = byActivityId.get(info.activityId ?? '');
    if (activity === undefined) continue;
    activity.attempts = info.attempt ?? activity.attempts;
    activity.last_failure = failureText(info.lastFailure) ?? activity.last_failure;
    if (activity.last_failure !== null && activity.state !== 'running') activity.state = 'retrying';
  }

  return [...byScheduledEvent.values()];
}

/**
 * Status, times and per-activity attempts of the latest run of a workflow,
 * read from Temporal. Never throws: an unreachable server or an unknown id is
 * reported as unavailable, since the database row is still worth showing.
 */
export async function workflowHistory(
  client: Client,
  workflowId: string,
): Promise<WorkflowHistoryResult> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await client.connection.withDeadline(Date.now() + HISTORY_DEADLINE_MS, async () => {
      const description = await handle.describe();
      const history = await client.workflow.getHandle(workflowId, description.runId).fetchHistory();
      const events = history.events ?? [];
      const closing = events.at(-1);
      const failure =
        failureText(closing?.workflowExecutionFailedEventAttributes?.failure) ??
        closing?.workflowExecutionTerminatedEventAttributes?.reason ??
        null;

      return {
        available: true as const,
        run: {
          run_id: description.runId,
          status: description.status.name,
          start_time: description.startTime.toISOString(),
          close_time: description.closeTime?.toISOString() ?? null,
          history_length: events.length,
          failure,
          activities: activitiesOf(events, description.raw.pendingActivities ?? []),
        },
      };
    });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      return {
        available: false,
        reason: 'Temporal has no workflow with this id: not started yet, or past retention.',
      };
    }

    return {
      available: false,
      reason: `Temporal could not be read: ${error instanceof Error ? error.message : error}`,
    };
  }
}
