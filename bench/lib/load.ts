import autocannon from 'autocannon';
import type { LatencySummary } from './stats';
import { progress, summarize, ticker } from './stats';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** One JSON call; throws on any status of 300 or more, so setup never goes on after a failure. */
export async function call(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) {
    throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
  }

  return text === '' ? {} : JSON.parse(text);
}

/** The body an IdP sends to create a user (Okta's shape, trimmed to what every IdP sends). */
export function userBody(userName: string, externalId: string) {
  return {
    schemas: [USER_SCHEMA],
    userName,
    externalId,
    name: { givenName: 'Bench', familyName: externalId },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  };
}

/** One step of a connection's request sequence, built when it is sent. */
export interface Step {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Builds the path and body from the connection's context (shared by its steps). */
  build: (context: Record<string, unknown>) => { path: string; body?: unknown };
}

export interface LoadOptions {
  label: string;
  baseUrl: string;
  token: string;
  connections: number;
  steps: Step[];
  /** Stop after this many requests… */
  amount?: number;
  /** …or after this many seconds. */
  durationSeconds?: number;
  /** Requests per second over all connections; open-loop when set. */
  rate?: number;
  /** Checks one answer; a false counts as a mismatch. */
  verify?: (status: number, body: string) => boolean;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  latency: LatencySummary;
  /** Answers that were not 2xx, failed `verify`, or never came. */
  failures: number;
}

/**
 * Drives HTTP load with autocannon. Latencies are taken from each response
 * as a float (autocannon's own histogram rounds to whole milliseconds, too
 * coarse for a 5 ms target). Prints progress every 5 s.
 */
export function runLoad(options: LoadOptions): { result: Promise<LoadResult>; stop: () => void } {
  const latencies: number[] = [];
  let mismatches = 0;
  const started = performance.now();
  const requests = options.steps.map((step) => ({
    method: step.method,
    setupRequest: (request: autocannon.Request, context: object) => {
      const { path, body } = step.build(context as Record<string, unknown>);

      return { ...request, method: step.method, path, body: body === undefined ? undefined : JSON.stringify(body) };
    },
    onResponse: (status: number, body: string) => {
      if (options.verify !== undefined && !options.verify(status, body)) mismatches++;
    },
  }));

  let finish: (result: LoadResult) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const result = new Promise<LoadResult>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const stopTicker = ticker(5000, () => {
    const seconds = (performance.now() - started) / 1000;
    const of = options.amount === undefined ? '' : `/${options.amount}`;
    progress(`${options.label}: ${latencies.length}${of} requests in ${seconds.toFixed(0)} s`);
  });
  const instance = autocannon(
    {
      url: options.baseUrl,
      connections: options.connections,
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/scim+json' },
      requests,
      ...(options.amount === undefined
        ? { duration: options.durationSeconds ?? 10 }
        : { amount: options.amount }),
      ...(options.rate === undefined ? {} : { overallRate: options.rate }),
      timeout: 30,
    },
    (error, done) => {
      stopTicker();
      if (error !== null && error !== undefined) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      finish({
        requests: latencies.length,
        seconds,
        perSecond: latencies.length / seconds,
        latency: summarize(latencies),
        failures: done.non2xx + done.errors + done.timeouts + mismatches,
      });
    },
  );
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));

  return { result, stop: () => instance.stop() };
}
