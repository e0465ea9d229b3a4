import { Command, CommanderError } from 'commander';
import { AdminApiError } from './admin-client';
import type { CliIo } from './cli-io';
import { auditCommand } from './commands/audit';
import { rolesCommand } from './commands/roles';
import { syncEventsCommand } from './commands/sync-events';
import { tokensCommand } from './commands/tokens';
import { usersCommand } from './commands/users';
import { DEFAULT_URL, UsageError } from './invocation';

/** The `bulwark-admin` command tree, writing to `io`; a fresh one per run. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('bulwark-admin')
    .description('Support and operator tasks of Bulwark Directory Sync, through its admin API.')
    .option('--url <url>', `the api's base URL (env BULWARK_URL, default ${DEFAULT_URL})`)
    .option('--key <key>', 'the admin API key (env ADMIN_API_KEY)')
    .option(
      '--key-file <path>',
      'read the admin API key from a file, e.g. .data/admin-api-key (env ADMIN_API_KEY_FILE)',
    )
    .option('--as <name>', 'who is asking, recorded in the audit log (env BULWARK_ACTOR)')
    .option('-t, --tenant <tenantId>', 'the tenant to work on (env BULWARK_TENANT)')
    .option('--json', 'print the API answers as JSON')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)');

  syncEventsCommand(program, io);
  rolesCommand(program, io);
  tokensCommand(program, io);
  auditCommand(program, io);
  usersCommand(program, io);

  return program;
}

/**
 * Runs one command line (without `node` and the script) and returns the exit
 * code: 0 done, 1 the API or the network refused, 2 a usage mistake.
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });

    return 0;
  } catch (error) {
    // Commander has already printed its message, or the help or version asked for.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      io.stderr.write(`bulwark-admin: ${error.message}\n`);

      return 2;
    }
    if (error instanceof AdminApiError) {
      const status = error.status === 0 ? '' : ` (${error.status})`;
      io.stderr.write(`bulwark-admin: ${error.message}${status}\n`);

      return 1;
    }
    throw error;
  }
}
