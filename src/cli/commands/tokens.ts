import type { Command } from 'commander';
import type { ScimToken } from '../api-types';
import type { CliIo } from '../cli-io';
import { writeOut } from '../cli-io';
import { invocationOf, wholeNumber } from '../invocation';
import { printJson, printTable } from '../output';

/** `tokens list|rotate|revoke` and `scim enable|disable`. */
export function tokensCommand(program: Command, io: CliIo): void {
  const tokens = program.command('tokens').description("the tenant's SCIM bearer tokens");

  tokens
    .command('list')
    .description('tokens with their times and status, never their values')
    .action(async (_options, command: Command) => {
      const run = await invocationOf(command, io);
      const listed = await run.client.get<{ items: ScimToken[] }>(
        run.client.tenantPath(run.tenantId, 'scim/tokens'),
      );
      if (run.json) return printJson(io, listed);

      await printTable(io, listed.items, [
        ['ID', (token) => token.id],
        ['STATUS', (token) => token.status],
        ['CREATED', (token) => token.created_at],
        ['LAST USED', (token) => token.last_used_at],
        ['EXPIRES', (token) => token.expires_at],
        ['REVOKED', (token) => token.revoked_at],
      ]);
    });

  tokens
    .command('rotate')
    .description('issue a new token (shown once) and retire the old ones')
    .option(
      '--overlap <seconds>',
      'keep the old tokens valid this long (0-86400)',
      wholeNumber(86_400),
    )
    .action(async (options, command: Command) => {
      const run = await invocationOf(command, io);
      const body = options.overlap === undefined ? {} : { overlap_seconds: options.overlap };
      const rotated = await run.client.post<{
        token: string;
        token_id: string;
        overlap_seconds: number;
      }>(run.client.tenantPath(run.tenantId, 'scim/tokens'), body);
      if (run.json) return printJson(io, rotated);

      await writeOut(io.stdout, `${rotated.token}\n`);
      const retired = rotated.overlap_seconds === 0 ? 'now' : `in ${rotated.overlap_seconds} s`;
      await writeOut(
        io.stderr,
        `token ${rotated.token_id}: shown only this once; the old tokens stop ${retired}.\n`,
      );
    });

  tokens
    .command('revoke <tokenId>')
    .description('revoke one token from its next use')
    .action(async (tokenId: string, _options, command: Command) => {
      const run = await invocationOf(command, io);
      const token = await run.client.delete<ScimToken>(
        run.client.tenantPath(run.tenantId, `scim/tokens/${encodeURIComponent(tokenId)}`),
      );
      if (run.json) return printJson(io, token);

      await writeOut(io.stdout, `${token.id} revoked at ${token.revoked_at}\n`);
    });

  const scim = program
    .command('scim')
    .description('switch SCIM provisioning of the tenant on or off');

  scim
    .command('disable')
    .description('every SCIM call answers 401 and every token is revoked')
    .action(async (_options, command: Command) => {
      const run = await invocationOf(command, io);
      const result = await run.client.post<{ changed: boolean; tokens_revoked: number }>(
        run.client.tenantPath(run.tenantId, 'scim:disable'),
      );
      if (run.json) return printJson(io, result);

      const message = result.changed
        ? `SCIM disabled; ${result.tokens_revoked} token(s) revoked`
        : 'SCIM was already disabled';
      await writeOut(io.stdout, `${message}\n`);
    });

  scim
    .command('enable')
    .description(
      'enable SCIM with a fresh token (shown once); tokens from before a disable stay revoked',
    )
    .action(async (_options, command: Command) => {
      const run = await invocationOf(command, io);
      const enabled = await run.client.post<{
        token: string;
        token_id: string;
        scim_base_url: string;
      }>(run.client.tenantPath(run.tenantId, 'scim:enable'));
      if (run.json) return printJson(io, enabled);

      await writeOut(io.stdout, `${enabled.token}\n`);
      await writeOut(
        io.stderr,
        `token ${enabled.token_id}: shown only this once; SCIM base URL ${enabled.scim_base_url}\n`,
      );
    });
}
