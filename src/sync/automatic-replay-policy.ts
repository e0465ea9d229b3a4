import type { Config } from '../config';

/** How often and how soon the api replays a sync event that failed on a transient fault. */
export interface AutomaticReplayPolicy {
  /** Automatic replays one event may have; 0 leaves every failure to a person. */
  maxReplays: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export function automaticReplayPolicy(config: Config): AutomaticReplayPolicy {
  return {
    maxReplays: config.SYNC_AUTO_REPLAY_MAX,
    firstDelayMs: config.SYNC_AUTO_REPLAY_FIRST_DELAY_MS,
    maxDelayMs: config.SYNC_AUTO_REPLAY_MAX_DELAY_MS,
  };
}

/**
 * How long after a transient failure of an event's next run the api replays
 * it: the first delay, doubled for every automatic replay the event already
 * had, capped at the longest. Undefined once the event had them all, or
 * without a policy: its failure then waits for a person.
 *
 * @example
 * const policy = { maxReplays: 3, firstDelayMs: 60_000, maxDelayMs: 90_000 };
 * automaticReplayDelayMs(policy, 0); // 60_000
 * automaticReplayDelayMs(policy, 1); // 90_000, not 120_000
 * automaticReplayDelayMs(policy, 3); // undefined: a person's turn
 */
export function automaticReplayDelayMs(
  policy: AutomaticReplayPolicy | undefined,
  replaysSoFar: number,
): number | undefined {
  if (policy === undefined || replaysSoFar >= policy.maxReplays) return undefined;

  return Math.min(policy.firstDelayMs * 2 ** replaysSoFar, policy.maxDelayMs);
}
