import type { Page } from 'playwright-core';
import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { createScimTenant, eventually, request } from '../support/http';
import type { RunningBrowser } from './chromium';
import { launchChromium, overflowsHorizontally, screenshot } from './chromium';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** How the SCIM writes of these tests introduce themselves in the audit log. */
const IDP_USER_AGENT = 'Okta SCIM client (browser test)';

let stack: TestStack;
let browser: RunningBrowser;
/** Script errors and Content-Security-Policy refusals of the current test's pages. */
let pageProblems: string[] = [];

stackForFile((started) => (stack = started));

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(() => {
  pageProblems = [];
});

afterEach(() => {
  expect(pageProblems).toEqual([]);
});

async function openDashboard(hash = ''): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) pageProblems.push(message.text());
  });
  await page.goto(`${stack.baseUrl}/dashboard/${hash}`);

  return page;
}

async function signIn(page: Page, actor = 'jane.doe@acme.test'): Promise<void> {
  await page.getByLabel('Admin API key').fill(stack.adminApiKey);
  await page.getByLabel('Your name or email (optional)').fill(actor);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function openScreen(page: Page, link: string, heading: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Directory Sync' })
    .getByRole('link', { name: link })
    .click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** A SCIM request as the IdP sends it, with the token and base URL the admin copied from the page. */
async function scim(token: string, method: string, path: string, body?: unknown) {
  return request(stack, method, `/scim/v2${path}`, {
    token,
    body,
    headers: { 'User-Agent': IDP_USER_AGENT },
  });
}

async function provisionUser(token: string, userName: string): Promise<string> {
  const created = await scim(token, 'POST', '/Users', {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Ana', familyName: 'Lima' },
    displayName: 'Ana Lima',
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  });
  expect([created.status, created.body?.detail]).toEqual([201, undefined]);

  return created.body.id;
}

function deactivate(token: string, userId: string) {
  return scim(token, 'PATCH', `/Users/${userId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
}

function storedUser(userId: string) {
  return stack.database.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
}

function storedTokens(tenantId: string) {
  return stack.database.db
    .selectFrom('scim_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

function syncEventOf(resourceId: string, kind: 'deprovision' | 'reevaluate_roles') {
  return stack.database.db
    .selectFrom('sync_events')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
}

describe('Settings → Directory Sync page', () => {
  it('takes an admin from enabling SCIM through mapping, rotation and a completed deprovisioning', async () => {
    const page = await openDashboard();
    await screenshot(page, 'sign-in');
    await signIn(page);

    await page.getByRole('heading', { level: 1, name: 'Choose a tenant' }).waitFor();
    await screenshot(page, 'tenants');
    await page.getByLabel('Name', { exact: true }).fill('Acme Corp');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connect your identity provider' }).waitFor();
    const tenantId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    expect(tenantId).toMatch(/^ten_/);

    // 1. Connect: SCIM on, the base URL and the token shown once.
    await page.getByRole('button', { name: 'Turn on SCIM' }).click();
    const token = await page.getByLabel('Bearer token', { exact: true }).inputValue();
    const baseUrl = await page.getByLabel('SCIM base URL', { exact: true }).inputValue();
    expect(token).toMatch(/^bwscim_/);
    expect(baseUrl).toBe(`${stack.baseUrl}/scim/v2`);
    await page.getByText('Copy the token now: you will not see it again.').waitFor();
    await page.getByRole('button', { name: 'Copy Bearer token' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    await page.getByRole('tab', { name: 'Entra ID' }).click();
    await page.getByRole('rowheader', { name: 'Tenant URL' }).waitFor();
    await screenshot(page, 'connect');
    const connection = await stack.database.db
      .selectFrom('scim_connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(connection.enabled).toBe(true);
    expect(await storedTokens(tenantId)).toHaveLength(1);

    // The token disappears for good once the admin says it is stored.
    await page.getByRole('button', { name: 'I have stored the token' }).click();
    expect(await page.getByLabel('Bearer token', { exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    // 2. The IdP provisions a person and pushes a group with the copied credentials.
    const userId = await provisionUser(token, 'ana.lima@acme.test');
    const group = await scim(token, 'POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      members: [{ value: userId }],
    });
    expect(group.status).toBe(201);

    // 3. Map the group to a role: preview first, then save, then see the role and why.
    await openScreen(page, 'Group → role mapping', 'Group → role mapping');
    await page.getByLabel('Engineering', { exact: true }).selectOption('admin');
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await page.getByText('1 person would change role.').waitFor();
    const change = page.getByRole('region', { name: 'Role changes' }).getByRole('row', {
      name: /ana\.lima@acme\.test/,
    });
    expect(await change.getByRole('cell').allInnerTexts()).toEqual(['No role', 'Admin']);
    await screenshot(page, 'mapping-preview');
    expect((await storedUser(userId)).role).toBeNull();

    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText('Saved. Every role is up to date with the new mapping.').waitFor();
    const anaRow = page.locator('tr[data-user="ana.lima@acme.test"]');
    await anaRow.getByText('Admin', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Why does ana.lima@acme.test have this role?' }).click();
    await page.getByText('Admin, from the mapped group Engineering (Admin).').waitFor();
    await screenshot(page, 'mapping');
    expect((await storedUser(userId)).role).toBe('admin');

    // 4. Rotate the token with a 5-minute overlap, after a confirmation.
    await openScreen(page, 'Token', 'SCIM token');
    await page.getByLabel(/After 5 minutes/).check();
    await page.getByRole('button', { name: 'Rotate token…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the SCIM token?' });
    await dialog.getByText('stops after 5 minutes').waitFor();
    await dialog.getByRole('button', { name: 'Rotate token' }).click();
    await page.getByRole('heading', { name: 'New token issued' }).waitFor();
    const rotated = await page.getByLabel('Bearer token', { exact: true }).inputValue();
    expect(rotated).toMatch(/^bwscim_/);
    expect(rotated).not.toBe(token);
    await page.getByRole('cell', { name: 'Expiring' }).waitFor();
    await screenshot(page, 'token');
    const tokens = await storedTokens(tenantId);
    expect(tokens).toHaveLength(2);
    const overlapEnds = tokens[0]?.expires_at?.getTime() ?? 0;
    expect(overlapEnds - Date.now()).toBeGreaterThan(240_000);
    expect(overlapEnds - Date.now()).toBeLessThanOrEqual(300_000);
    expect(tokens[1]?.expires_at).toBeNull();
    expect((await scim(token, 'GET', '/Users?count=1')).status).toBe(200);
    expect((await scim(rotated, 'GET', '/Users?count=1')).status).toBe(200);

    // 5. The IdP deactivates the person; the deprovisioning shows up and completes.
    expect((await deactivate(rotated, userId)).status).toBe(200);
    await openScreen(page, 'Activity', 'Activity');
    const deprovision = await eventually(() => syncEventOf(userId, 'deprovision'));
    const row = page.locator(`tr[data-sync-event="${deprovision.id}"]`);
    await row.and(page.locator('[data-state="completed"]')).waitFor({ timeout: 30_000 });
    expect(await row.getByRole('link', { name: /Temporal UI/ }).getAttribute('href')).toBe(
      `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(deprovision.workflow_id)}`,
    );
    await page.getByLabel('Who').selectOption('scim');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('rowheader', { name: 'scim.user.updated' }).first().waitFor();
    await screenshot(page, 'activity');
    expect((await syncEventOf(userId, 'deprovision')).state).toBe('completed');
    expect((await storedUser(userId)).deprovisioned_at).not.toBeNull();

    // 6. Users and groups: the person as the IdP left them.
    await openScreen(page, 'Users and groups', 'Users and groups');
    await page.getByLabel('Search', { exact: true }).first().fill('ana');
    const person = page.locator('tr[data-user="ana.lima@acme.test"]');
    await person.getByText('Deprovisioned').waitFor();
    await person.getByText('No role').waitFor();
    expect(await person.getByRole('cell').nth(1).innerText()).toBe('SCIM');
    await page.getByRole('rowheader', { name: /Engineering/ }).waitFor();
    await screenshot(page, 'directory');
    await page.close();
  });

  it('shows a failed sync event with its error and completes it when replayed', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Globex');
    const userId = await provisionUser(scimToken, 'ben.okoro@globex.test');
    const page = await openDashboard(`#/tenants/${tenantId}/token`);
    await signIn(page);
    await page.getByRole('heading', { level: 1, name: 'SCIM token' }).waitFor();

    // The worker is away while the IdP deactivates the person and an admin turns SCIM off:
    // the role re-evaluation then fails as TenantDisabled.
    await stack.worker?.stop();
    stack.worker = undefined;
    expect((await deactivate(scimToken, userId)).status).toBe(200);
    await page.getByRole('button', { name: 'Turn off SCIM…' }).click();
    await page
      .getByRole('dialog', { name: 'Turn off SCIM?' })
      .getByRole('button', { name: 'Turn off SCIM' })
      .click();
    await page.getByText('SCIM is off. 1 token(s) revoked.').waitFor();
    stack.worker = await stack.startWorker();
    const failed = await eventually(
      async () => {
        const event = await syncEventOf(userId, 'reevaluate_roles');

        return event.state === 'failed' ? event : undefined;
      },
      30_000,
      200,
    );

    await openScreen(page, 'Activity', 'Activity');
    const row = page.locator(`tr[data-sync-event="${failed.id}"]`);
    await row.getByText(/TenantDisabled: SCIM is disabled/).waitFor();
    await row.getByRole('button', { name: `Details of ${failed.id}` }).click();
    await page.getByText(/Latest run: failed/).waitFor();
    await screenshot(page, 'activity-failed');

    // Fix the cause (SCIM back on, a new token shown once), then replay.
    await openScreen(page, 'Connect', 'Connect your identity provider');
    await page.getByRole('button', { name: 'Turn SCIM on again' }).click();
    const fresh = await page.getByLabel('Bearer token', { exact: true }).inputValue();
    expect((await scim(fresh, 'GET', '/Users?count=1')).status).toBe(200);
    expect((await scim(scimToken, 'GET', '/Users?count=1')).status).toBe(401);
    await page.getByRole('button', { name: 'I have stored the token' }).click();

    await openScreen(page, 'Activity', 'Activity');
    await row.getByRole('button', { name: `Replay ${failed.id}` }).click();
    await page
      .getByText(`${failed.id}: A new workflow run was started for this sync event.`)
      .waitFor();
    await row.and(page.locator('[data-state="completed"]')).waitFor({ timeout: 30_000 });
    const replayed = await syncEventOf(userId, 'reevaluate_roles');
    expect(replayed).toMatchObject({
      state: 'completed',
      workflow_id: `${failed.workflow_id}/replay-1`,
    });
    const audit = await stack.database.db
      .selectFrom('audit_events')
      .select(['actor_id'])
      .where('action', '=', 'sync_event.replay_requested')
      .where('target_id', '=', failed.id)
      .execute();
    expect(audit).toEqual([{ actor_id: 'jane.doe@acme.test' }]);
    await page.close();
  });

  it('explains refusals in words and keeps a destructive action behind a keyboard-reachable confirmation', async () => {
    const page = await openDashboard();
    await page.getByLabel('Admin API key').fill('not-the-admin-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refusal = page.getByRole('alert');
    await refusal.getByText("Couldn't sign in.").waitFor();
    await refusal.getByText('Bulwark did not accept this admin key.').waitFor();
    await screenshot(page, 'sign-in-refused');

    // Keyboard only: the key field, Enter to submit.
    await page.getByLabel('Admin API key').fill('');
    await page.getByLabel('Admin API key').focus();
    await page.keyboard.type(stack.adminApiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Choose a tenant' }).waitFor();
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Choose a tenant');

    // A key that stops working mid-session (an operator changed it) leads back to sign-in.
    await page.evaluate(`(() => {
      const key = 'bulwark.dashboard.session';
      const session = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...session, adminKey: 'an-old-admin-key' }));
    })()`);
    await page.reload();
    const expired = page.getByRole('alert');
    await expired.getByText("Couldn't list the tenants.").waitFor();
    await expired
      .getByText('Bulwark no longer accepts your admin key: it may have been changed.')
      .waitFor();
    await expired.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByLabel('Admin API key').fill(stack.adminApiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Choose a tenant' }).waitFor();

    const missing = 'ten_00000000000000000000000000';
    await page.goto(`${stack.baseUrl}/dashboard/#/tenants/${missing}/connect`);
    const notFound = page.getByRole('alert');
    await notFound.getByText("Couldn't open this tenant.").waitFor();
    await notFound.getByText(`Tenant "${missing}" not found.`).waitFor();

    const { tenantId } = await createScimTenant(stack, 'Initech');
    await page.goto(`${stack.baseUrl}/dashboard/#/tenants/${tenantId}/connect`);
    // The IdP guides are tabs: arrow keys move between them, wrapping at the ends.
    await page.getByRole('tab', { name: 'Okta' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Entra ID');
    await page.getByRole('rowheader', { name: 'Tenant URL' }).waitFor();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Okta' }).getAttribute('aria-selected')).toBe(
      'true',
    );

    await page.goto(`${stack.baseUrl}/dashboard/#/tenants/${tenantId}/token`);
    await page.getByRole('heading', { level: 1, name: 'SCIM token' }).waitFor();
    const rotate = page.getByRole('button', { name: 'Rotate token…' });
    await rotate.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Rotate the SCIM token?' });
    await dialog.waitFor();
    // Rotating at once is destructive: Cancel holds the focus, and Escape backs out.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Rotate token…');
    expect(await storedTokens(tenantId)).toHaveLength(1);
    await page.close();
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const { tenantId, scimToken } = await createScimTenant(
      stack,
      'Umbrella Corporation International',
    );
    await provisionUser(scimToken, 'a.very.long.user.name.for.narrow.screens@umbrella.example');
    const page = await openDashboard(`#/tenants/${tenantId}/connect`);
    await page.setViewportSize({ width: 375, height: 812 });
    await signIn(page);

    for (const [link, heading] of [
      ['Connect', 'Connect your identity provider'],
      ['Token', 'SCIM token'],
      ['Group → role mapping', 'Group → role mapping'],
      ['Activity', 'Activity'],
      ['Users and groups', 'Users and groups'],
    ] as const) {
      await openScreen(page, link, heading);
      await page.waitForLoadState('networkidle');
      expect([link, await overflowsHorizontally(page)]).toEqual([link, false]);
    }
    const person = page.locator(
      'tr[data-user="a.very.long.user.name.for.narrow.screens@umbrella.example"]',
    );
    // Each person's status and role are on screen, not in a column scrolled out of sight.
    for (const text of ['Active', 'No role', 'SCIM']) {
      const box = await person.getByText(text, { exact: true }).boundingBox();
      expect([text, (box?.x ?? Infinity) + (box?.width ?? 0) <= 375]).toEqual([text, true]);
    }
    for (const link of ['Connect', 'Users and groups']) {
      const box = await page.getByRole('link', { name: link, exact: true }).boundingBox();
      expect([link, (box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 375]).toEqual([
        link,
        true,
      ]);
    }
    await screenshot(page, 'directory-narrow');
    await openScreen(page, 'Connect', 'Connect your identity provider');
    await screenshot(page, 'connect-narrow');
    await page.close();
  });
});
