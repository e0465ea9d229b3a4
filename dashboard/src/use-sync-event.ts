import { useEffect, useState } from 'react';
import type { ApiClient } from './api/client';
import { tenantPath } from './api/client';
import type { SyncEvent } from './api/types';

const POLL_MS = 1000;

/**
 * Follows one sync event until its workflow is done (completed or failed),
 * so a change that works in the background shows when it has landed.
 */
export function useSyncEvent(
  api: ApiClient,
  tenantId: string,
  syncEventId: string | null,
  onSettled: (event: SyncEvent) => void,
): { event: SyncEvent | null; error: unknown } {
  const [event, setEvent] = useState<SyncEvent | null>(null);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    setEvent(null);
    setError(undefined);
    if (syncEventId === null) return;
    let stopped = false;
    let timer: number | undefined;
    const path = tenantPath(tenantId, `/sync-events/${encodeURIComponent(syncEventId)}`);

    const poll = async () => {
      try {
        const current = await api.get<SyncEvent>(path);
        if (stopped) return;
        setEvent(current);
        setError(undefined);
        if (current.state === 'completed' || current.state === 'failed') {
          onSettled(current);

          return;
        }
      } catch (caught) {
        if (stopped) return;
        setError(caught);
      }
      timer = window.setTimeout(poll, POLL_MS);
    };
    void poll();

    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // onSettled is a callback of the moment; following it would restart the poll on every render.
  }, [api, tenantId, syncEventId]);

  return { event, error };
}
