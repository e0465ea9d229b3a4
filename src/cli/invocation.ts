import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { AdminClient } from './admin-client';
import type { CliIo } from './cli-io';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** A mistake in how the CLI was called; exit code 2 like commander's own. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface GlobalOptions {
  url?: string;
  key?: string;
  keyFile?: string;
  as?: string;
  tenant?: string;
  json?: boolean;
}

/** What every command needs, resolved from flags first, then the environment. */
export interface Invocation {
  io: CliIo;
  client: AdminClient;
  tenantId: string;
  json: boolean;
}

async function apiKey(options: GlobalOptions, io: CliIo): Promise<string> {
  if (options.key !== undefined) return options.key;
  const keyFile = options.keyFile ?? io.env.ADMIN_API_KEY_FILE;
  if (keyFile !== undefined) {
    const text = await (io.readFile ?? ((path: string) => readFile(path, 'utf8')))(keyFile);

    return text.trim();
  }
  const fromEnv = io.env.ADMIN_API_KEY;
  if (fromEnv === undefined || fromEnv === '') {
    throw new UsageError('No admin API key: pass --key or --key-file, or set ADMIN_API_KEY.');
  }

  return fromEnv;
}

/** Builds the invocation of `command` from its own and the program's options. */
export async function invocationOf(command: Command, io: CliIo): Promise<Invocation> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const tenantId = options.tenant ?? io.env.BULWARK_TENANT;
  if (tenantId === undefined || tenantId === '') {
    throw new UsageError('No tenant: pass --tenant <id> or set BULWARK_TENANT.');
  }
  const client = new AdminClient({
    baseUrl: options.url ?? io.env.BULWARK_URL ?? DEFAULT_URL,
    apiKey: await apiKey(options, io),
    actor: options.as ?? io.env.BULWARK_ACTOR,
  });

  return { io, client, tenantId, json: options.json === true };
}

/** Parses whole numbers from 0 to `max`; commander reports a bad one as a usage error. */
export function wholeNumber(max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed > max) {
      throw new InvalidArgumentError(`Expected a whole number from 0 to ${max}.`);
    }

    return parsed;
  };
}
