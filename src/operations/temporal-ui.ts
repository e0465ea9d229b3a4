import type { Config } from '../config';

/**
 * Where an operator sees a workflow in the Temporal Web UI. The UI opens the
 * latest run of an id; ids hold slashes, so the id is one encoded path segment.
 */
export function workflowUiUrl(config: Config, workflowId: string): string {
  const base = config.TEMPORAL_UI_URL.replace(/\/+$/, '');
  const namespace = encodeURIComponent(config.TEMPORAL_NAMESPACE);

  return `${base}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
