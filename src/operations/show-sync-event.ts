import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context';
import { workflowUiUrl } from './temporal-ui';
import { loadSyncEvent } from './load-sync-event';
import { syncEventView, workflowRunIds } from './sync-event-view';
import { workflowHistory } from './workflow-history';

/**
 * GET /admin/v1/tenants/{tenantId}/sync-events/{id}: the event, every workflow
 * run it had (the original and its replays) with Temporal UI links, and a
 * summary of the current run's history: status, times, attempts and failures
 * of each step.
 */
export function showSyncEvent(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const event = await loadSyncEvent(context.db, tenantId, String(request.params.syncEventId));

    const history = await workflowHistory(context.workflows.client, event.workflow_id);
    const runs = workflowRunIds(event).map((workflowId) => ({
      workflow_id: workflowId,
      temporal_ui_url: workflowUiUrl(context.config, workflowId),
    }));

    response.json({
      ...syncEventView(context.config, event),
      workflow_runs: runs,
      history: history.available ? history.run : null,
      ...(history.available ? {} : { history_unavailable: history.reason }),
    });
  };
}
