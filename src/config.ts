import { z } from 'zod';

/**
 * Configuration, parsed once at start-up from the environment. Every problem
 * is reported together; the result is frozen.
 */
const schema = z.object({
  /** PostgreSQL connection string. */
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/bulwark'),
  /**
   * Connections the api may hold. Each write holds one until its commit is
   * flushed, so this caps the writes in flight (10 held POST /Users to a
   * fifth of what PostgreSQL could commit here; README, Benchmarks).
   */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  /** Port of the api process. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Address the api listens on. Loopback by default: a development start
   * prints its admin key, and nothing beyond this machine should reach it;
   * the container image sets 0.0.0.0.
   */
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The URL IdPs reach the service at, when it sits behind a proxy. Without it,
   * absolute locations are built from the request's host.
   */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Guards `/admin/v1`; `npm start` generates one in development when unset. */
  ADMIN_API_KEY: z.string().min(16).optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('directory-sync'),
  /** Where the Temporal Web UI lives, for links in the admin API. */
  TEMPORAL_UI_URL: z.string().min(1).default('http://127.0.0.1:8233'),
  /** How long a committed sync event may wait for its workflow before the dispatcher starts it. */
  DISPATCH_AFTER_MS: z.coerce.number().int().min(0).default(2000),
  DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  /** SCIM requests per tenant per minute before 429; far above Okta's and Entra's sync rates. */
  SCIM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60_000),
  /** Attempts per sync workflow step before its run fails; 40 ≈ 17 minutes of retrying. */
  SYNC_STEP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(40),
  /**
   * Automatic replays of a sync event whose run failed on a transient fault,
   * before it is left to a person; 0 leaves every failure to a person. With the
   * delays below, 10 keep replaying through about six hours of outage.
   */
  SYNC_AUTO_REPLAY_MAX: z.coerce.number().int().min(0).max(100).default(10),
  /** Delay from a transient failure to the first automatic replay; it doubles for each one after. */
  SYNC_AUTO_REPLAY_FIRST_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  /** The longest delay between automatic replays of one event: 30 minutes. */
  SYNC_AUTO_REPLAY_MAX_DELAY_MS: z.coerce.number().int().min(0).default(1_800_000),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Where the worker serves the Temporal SDK's Prometheus metrics; empty turns them off. */
  WORKER_METRICS_ADDRESS: z.string().default('127.0.0.1:9464'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = Readonly<z.infer<typeof schema>>;

/** Throws one error listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }

  return Object.freeze(parsed.data);
}
