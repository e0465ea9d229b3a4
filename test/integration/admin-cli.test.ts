import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/program';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { createScimTenant, eventually, request } from '../support/http';
import type { CliResult } from '../support/cli';
import { cliAgainst } from '../support/cli';
import { ScimClient } from '../support/scim-client';
import { syncEventInState } from '../support/sync-events';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

let stack: TestStack;
const scratch = path.join(ROOT, 'test-results', `cli-${randomBytes(4).toString('hex')}`);

beforeAll(async () => {
  stack = await startStack();
  await mkdir(scratch, { recursive: true });
});

afterAll(async () => {
  await stack.stop();
  await rm(scratch, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return cliAgainst(stack, args, env);
}

function inState(userId: string, kind: 'deprovision' | 'reevaluate_roles', state: string) {
  return syncEventInState(stack.database.db, userId, kind, state, 15_000);
}

describe('bulwark-admin CLI', () => {
  it('finds a failed sync event, shows why, and replays it once the cause is fixed', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scim.createUser('rui.costa@example.com');

    // The IdP deactivates the user while no worker runs, and SCIM is switched off before one does.
    await stack.worker?.stop();
    stack.worker = undefined;
    await scim.setActive(userId, false);
    const disabled = await cli(['--tenant', tenantId, '--as', 'ops.oncall', 'scim', 'disable']);
    expect(disabled).toEqual({
      code: 0,
      stdout: 'SCIM disabled; 1 token(s) revoked\n',
      stderr: '',
    });
    stack.worker = await stack.startWorker();
    const failed = await inState(userId, 'reevaluate_roles', 'failed');

    const listed = await cli(['--tenant', tenantId, 'sync-events', 'list', '--state', 'failed']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+KIND\s+STATE\s+RESOURCE\s+CREATED\s+RUNS\s+AUTO REPLAYS\s+LAST ERROR$/,
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${failed.id}\\s+reevaluate_roles\\s+failed\\s+User ${userId}\\s+\\S+` +
            '\\s+1\\s+0\\s+reevaluateUsers failed permanently: TenantDisabled',
        ),
      ),
    ]);

    // The run records `failed` as its last step and closes just after.
    await eventually(async () => {
      const detail = await request(
        stack,
        'GET',
        `/admin/v1/tenants/${tenantId}/sync-events/${failed.id}`,
        {
          token: stack.adminApiKey,
        },
      );

      return detail.body.history?.status === 'FAILED' ? true : undefined;
    });
    const shown = await cli(['--tenant', tenantId, 'sync-events', 'show', failed.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      `\nworkflow:    ${failed.workflow_id}\ntemporal ui: http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(failed.workflow_id)}\n`,
    );
    expect(shown.stdout).toMatch(/^state:\s+failed$/m);
    // Permanent: no automatic replay is owed, a person replays it once the cause is fixed.
    expect(shown.stdout).toMatch(/^fault:\s+permanent\nruns:\s+1\nauto replay:\s+0\n/m);
    expect(shown.stdout).toMatch(/^failure:\s+TenantDisabled: SCIM is disabled/m);
    expect(shown.stdout).toMatch(
      /re-evaluate 1 users\s+reevaluateUsers\s+failed\s+1\s+TenantDisabled: SCIM is disabled/,
    );

    const enabled = await cli(['--tenant', tenantId, 'scim', 'enable']);
    expect(enabled.code).toBe(0);
    const newToken = enabled.stdout.trim();
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: newToken })).status).toBe(200);

    const replayed = await cli([
      '--tenant',
      tenantId,
      '--as',
      'sam.support',
      'sync-events',
      'replay-failed',
      '--since',
      '2000-01-01T00:00:00Z',
    ]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`${failed.id}  replayed (replayed)`);
    expect(replayed.stdout).toContain('replayed 1; 0 failed event(s) left');
    await inState(userId, 'reevaluate_roles', 'completed');

    const again = await cli([
      '--tenant',
      tenantId,
      '--as',
      'sam.support',
      'sync-events',
      'replay',
      failed.id,
    ]);
    expect(again.stdout).toMatch(/unchanged \(already_completed\)/);
    expect(again.stdout).toContain('already completed; nothing was changed');

    const audit = await cli([
      '--tenant',
      tenantId,
      '--json',
      'audit',
      'list',
      '--action',
      'sync_event.*',
    ]);
    const events = JSON.parse(audit.stdout).items as Array<{
      actor_id: string;
      details: { outcome: string };
    }>;
    expect(events.map((event) => [event.actor_id, event.details.outcome])).toEqual([
      ['sam.support', 'already_completed'],
      ['sam.support', 'replayed'],
    ]);

    await inState(userId, 'deprovision', 'completed');
    const account = await cli(['--tenant', tenantId, 'users', 'show', userId]);
    expect(account.code).toBe(0);
    expect(account.stdout).toMatch(/^active:\s+false$/m);
    expect(account.stdout).toMatch(/^deprovisioned:\s+20\d\d-/m);
    expect(account.stdout).toMatch(/^granted by:\s+inactive$/m);
    expect(account.stdout).toMatch(
      new RegExp(`^${failed.id}\\s+reevaluate_roles\\s+completed`, 'm'),
    );
    expect(account.stdout).toMatch(/\suser\.deprovisioned\s+system/);
  }, 90_000);

  it('lists, rotates with an overlap and revokes SCIM tokens, and re-evaluates roles', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const env = { BULWARK_TENANT: tenantId, BULWARK_ACTOR: 'lee.security' };

    const rotated = await cli(['tokens', 'rotate', '--overlap', '300'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toMatch(/shown only this once; the old tokens stop in 300 s/);
    const newToken = rotated.stdout.trim();
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: scimToken })).status).toBe(200);
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: newToken })).status).toBe(200);

    const listed = await cli(['tokens', 'list', '--json'], env);
    const tokens = JSON.parse(listed.stdout).items as Array<{ id: string; status: string }>;
    expect(tokens.map((token) => token.status)).toEqual(['active', 'expiring']);
    expect(listed.stdout).not.toContain(newToken);

    const revoked = await cli(['tokens', 'revoke', tokens[1]!.id], env);
    expect(revoked.stdout).toMatch(new RegExp(`^${tokens[1]!.id} revoked at `));
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: scimToken })).status).toBe(401);

    const table = await cli(['tokens', 'list'], env);
    expect(table.stdout).toMatch(new RegExp(`${tokens[1]!.id}\\s+revoked`));

    const reevaluation = await cli(['roles', 'reevaluate'], env);
    expect(reevaluation.stdout).toMatch(/^started (sev_\w+)  http/);
    const syncEventId = /^started (sev_\w+)/.exec(reevaluation.stdout)![1]!;
    await eventually(async () => {
      const row = await stack.database.db
        .selectFrom('sync_events')
        .select('state')
        .where('id', '=', syncEventId)
        .executeTakeFirstOrThrow();

      return row.state === 'completed' ? true : undefined;
    });

    const audit = await stack.database.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id'])
      .where('tenant_id', '=', tenantId)
      .where('actor_id', '=', 'lee.security')
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    expect(audit.map((event) => event.action)).toEqual([
      'scim.token_rotated',
      'scim.token_revoked',
      'roles.reevaluation_requested',
    ]);
  });

  it('exports the audit log as JSON Lines to standard output or a new file, never over an old one', async () => {
    const { tenantId } = await createScimTenant(stack);
    const stored = await stack.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('tenant_id', '=', tenantId)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();

    const exported = await cli(['--tenant', tenantId, 'audit', 'export']);
    expect(exported.code).toBe(0);
    const actions = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).action);
    expect(actions).toEqual(stored.map((row) => row.action));
    expect(actions).toEqual(['tenant.created', 'scim.enabled']);

    const file = path.join(scratch, 'audit.jsonl');
    expect(
      (await cli(['--tenant', tenantId, 'audit', 'export', '--action', 'scim.*', '-o', file])).code,
    ).toBe(0);
    expect(
      (await readFile(file, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).action),
    ).toEqual(['scim.enabled']);
    const overwrite = await cli(['--tenant', tenantId, 'audit', 'export', '-o', file]);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain('already exists');
  });

  it('says what is wrong and exits non-zero on a missing key, a wrong key, an unreachable api or a bad option', async () => {
    const noKey = await runCli(['--tenant', 'ten_x', 'tokens', 'list'], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (expect(text).toMatch(/No admin API key/), true) },
      env: {},
    });
    expect(noKey).toBe(2);

    const wrongKey = await cli([
      '--tenant',
      'ten_x',
      '--key',
      'not-the-key-at-all',
      'tokens',
      'list',
    ]);
    expect(wrongKey).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/admin API key.*\(401\)/),
    });
    const unknownTenant = await cli(['--tenant', 'ten_nope', 'tokens', 'list']);
    expect(unknownTenant).toMatchObject({
      code: 1,
      stderr: 'bulwark-admin: Tenant "ten_nope" not found. (404)\n',
    });
    const unreachable = await cli([
      '--tenant',
      'ten_x',
      '--url',
      'http://127.0.0.1:1',
      'tokens',
      'list',
    ]);
    expect(unreachable).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Cannot reach the admin API at http:\/\/127\.0\.0\.1:1/),
    });
    const badOption = await cli(['--tenant', 'ten_x', 'tokens', 'rotate', '--overlap', 'soon']);
    expect(badOption).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--overlap <seconds>.*'soon' is invalid/),
    });
  });

  it('runs as the built bin with its settings from the environment', async () => {
    const { tenantId } = await createScimTenant(stack);
    const outDir = path.join(scratch, 'dist');
    await run('npx', ['tsc', '-p', 'src/cli/tsconfig.json', '--outDir', outDir], { cwd: ROOT });

    const { stdout } = await run(
      process.execPath,
      [path.join(outDir, 'src/cli/bulwark-admin.js'), 'tokens', 'list', '--json'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          BULWARK_URL: stack.baseUrl,
          ADMIN_API_KEY: stack.adminApiKey,
          BULWARK_TENANT: tenantId,
        },
      },
    );
    expect(JSON.parse(stdout).items).toEqual([expect.objectContaining({ status: 'active' })]);
    const failure = await run(
      process.execPath,
      [path.join(outDir, 'src/cli/bulwark-admin.js'), 'tokens', 'list'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          BULWARK_URL: stack.baseUrl,
          ADMIN_API_KEY: 'wrong-key-wrong-key',
          BULWARK_TENANT: tenantId,
        },
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/admin API key/) });
  }, 60_000);
});
