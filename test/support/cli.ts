import { runCli } from '../../src/cli/program';
import type { TestStack } from './stack';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against the stack, as a support engineer would from a shell. */
export async function cliAgainst(
  stack: TestStack,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (text: string) => ((stdout += text), true) },
    stderr: { write: (text: string) => ((stderr += text), true) },
    env: { BULWARK_URL: stack.baseUrl, ADMIN_API_KEY: stack.adminApiKey, ...env },
  };
  const code = await runCli(args, io);

  return { code, stdout, stderr };
}
