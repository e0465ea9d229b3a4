/** A background loop of the api process, stopped on shutdown. */
export interface PeriodicLoop {
  /** Resolves once a tick under way has finished, so that none outlives the connections it uses. */
  stop: () => Promise<void>;
}

/**
 * Runs `tick` every `intervalMs`, never two at once, until stopped. A tick
 * that throws is handed to `onError` and the loop goes on: its work is owed
 * to the database, so the next tick finds it again.
 */
export function startPeriodicLoop(
  intervalMs: number,
  tick: () => Promise<void>,
  onError: (error: unknown) => void,
): PeriodicLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = async (): Promise<void> => {
    try {
      await tick();
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(() => (running = run()), intervalMs);
  };
  timer = setTimeout(() => (running = run()), intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
