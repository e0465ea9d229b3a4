import { terminateSyncWorkflows } from './scim-client';
import type { TestStack } from './stack';
import { startStack } from './stack';

type StackOptions = NonNullable<Parameters<typeof startStack>[0]>;

/**
 * One stack for every test of a file: started before the first test and
 * handed to `use`, stopped after the last. With `terminateSyncWorkflows`,
 * the workflows a stack without a worker started are ended first, so that
 * they do not wait on the shared Temporal server for ever.
 */
export function stackForFile(
  use: (stack: TestStack) => void,
  options: StackOptions & { terminateSyncWorkflows?: boolean } = {},
): void {
  const { terminateSyncWorkflows: terminate = false, ...stackOptions } = options;
  let stack: TestStack | undefined;

  beforeAll(async () => {
    stack = await startStack(stackOptions);
    use(stack);
  });

  afterAll(async () => {
    if (stack === undefined) return;
    if (terminate) await terminateSyncWorkflows(stack);
    await stack.stop();
  });
}
