import fc from 'fast-check';
import { startStack } from '../support/stack';
import type { TestStack } from '../support/stack';
import { HttpFuzzer } from './http-fuzzer';
import { hostileRequest } from './hostile-inputs';

/**
 * Property-based hostile input against the running service, through HTTP.
 * `npm test` runs a CI budget; `npm run fuzz` runs FUZZ_RUNS (100,000 by default).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_500);
/** Lanes fuzz concurrently, each in tenants of its own. */
const LANES = Number(process.env.FUZZ_LANES ?? (RUNS > 10_000 ? 4 : 2));
/** About 13 ms an input in one lane on a small machine, with room for the huge ones. */
const BUDGET_MS = 60_000 + (RUNS * 20) / Math.min(LANES, 2);

let stack: TestStack;

beforeAll(async () => {
  // No workflows: their steps would write audit events while a refused request is being checked.
  stack = await startStack({
    worker: false,
    dispatcher: false,
    env: { TEMPORAL_ADDRESS: '127.0.0.1:1', SCIM_RATE_LIMIT_PER_MINUTE: '10000000' },
  });
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

describe('hostile requests through HTTP', () => {
  it(
    `answer ${RUNS} generated inputs without a 5xx, a hang, a partial write or a polluted prototype`,
    async () => {
      const fuzzers = Array.from(
        { length: LANES },
        () => new HttpFuzzer(stack.baseUrl, stack.adminApiKey, stack.database.db),
      );
      await Promise.all(
        fuzzers.map((fuzzer) =>
          fc.assert(
            fc.asyncProperty(hostileRequest, (input) => fuzzer.check(input)),
            { numRuns: Math.ceil(RUNS / LANES), endOnFailure: RUNS > 10_000 },
          ),
        ),
      );

      for (const fuzzer of fuzzers) expect(await fuzzer.finish()).toEqual([]);
      const statuses = new Map<string, number>();
      const elapsed = new Map<string, number>();
      for (const fuzzer of fuzzers) {
        fuzzer.statuses.forEach((n, key) => statuses.set(key, (statuses.get(key) ?? 0) + n));
        fuzzer.elapsed.forEach((ms, kind) => elapsed.set(kind, (elapsed.get(kind) ?? 0) + ms));
      }
      const answered = [...statuses.entries()].sort(([a], [b]) => a.localeCompare(b));
      // The generators must reach the handlers: some inputs are accepted, many refused.
      const accepted = answered
        .filter(([key]) => / 2\d\d$/.test(key))
        .reduce((sum, [, n]) => sum + n, 0);
      const inputs = fuzzers.reduce((sum, fuzzer) => sum + fuzzer.inputs, 0);
      expect(inputs).toBeGreaterThanOrEqual(RUNS);
      expect(accepted).toBeGreaterThan(RUNS / 10);
      expect(accepted).toBeLessThan(RUNS);
      if (process.env.FUZZ_REPORT !== undefined) {
        const byKind = [...elapsed.entries()].map(([kind, ms]) => `${ms} ms\t${kind}`).join('\n');
        console.log(
          `${inputs} inputs\n${answered.map(([key, n]) => `${n}\t${key}`).join('\n')}\n${byKind}`,
        );
      }
    },
    BUDGET_MS,
  );
});
