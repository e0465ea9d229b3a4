import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { introspect, provisionedUserWithTokens, signInWithAgentToken } from '../support/platform-tokens';
import { ScimClient, storedUser } from '../support/scim-client';

/**
 * Deactivation cuts access at its commit; the deprovisioning workflow then
 * revokes each token. Without a worker that workflow never runs here, so
 * these tests see what holds before it does (a worker backlog, Temporal down).
 */

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false, terminateSyncWorkflows: true });

describe('reactivation before the deprovisioning workflow has run', () => {
  it('keeps the tokens issued before the deactivation rejected, and honours new ones', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const user = await provisionedUserWithTokens(stack, scim.tenantId, scim.token, 'reactivated@example.com');

    expect((await scim.setActive(user.userId, false)).status).toBe(200);
    expect(await introspect(stack, user.sessionToken)).toEqual({ active: false });
    expect(await introspect(stack, user.agentToken)).toEqual({ active: false });

    expect((await scim.setActive(user.userId, true)).status).toBe(200);
    expect(await storedUser(stack.database.db, user.userId)).toMatchObject({ active: true });
    // Nothing revoked them one by one yet: the deactivation itself must keep them dead.
    const tokens = await stack.database.db
      .selectFrom('sessions')
      .select('revoked_at')
      .where('user_id', '=', user.userId)
      .execute();
    expect(tokens).toEqual([{ revoked_at: null }]);
    expect(await introspect(stack, user.sessionToken)).toEqual({ active: false });
    expect(await introspect(stack, user.agentToken)).toEqual({ active: false });

    // The account itself is back: a new sign-in and a new agent token work.
    const again = await signInWithAgentToken(stack, scim.tenantId, user.userId, 'reactivated@example.com');
    expect(await introspect(stack, again.sessionToken)).toMatchObject({ active: true, user_id: user.userId });
    expect(await introspect(stack, again.agentToken)).toMatchObject({ active: true, user_id: user.userId });
  });
});

describe('PUT of a deactivated user', () => {
  it('keeps the user inactive when the body leaves active out or sends null, and reactivates on active true', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const user = await provisionedUserWithTokens(stack, scim.tenantId, scim.token, 'left.out@example.com');
    expect((await scim.setActive(user.userId, false)).status).toBe(200);

    const withoutActive = await scim.put(`/Users/${user.userId}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'left.out@example.com',
      displayName: 'Left Out',
    });
    expect(withoutActive.status).toBe(200);
    expect(withoutActive.body).toMatchObject({ active: false, displayName: 'Left Out' });
    const withNull = await scim.put(`/Users/${user.userId}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'left.out@example.com',
      active: null,
    });
    expect(withNull.status).toBe(200);
    expect(withNull.body.active).toBe(false);
    expect(await storedUser(stack.database.db, user.userId)).toMatchObject({ active: false });
    const reactivations = await stack.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', user.userId)
      .where('action', 'like', '%reactivated%')
      .execute();
    expect(reactivations).toEqual([]);

    const reactivated = await scim.put(`/Users/${user.userId}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'left.out@example.com',
      active: true,
    });
    expect(reactivated.body.active).toBe(true);
    expect(await storedUser(stack.database.db, user.userId)).toMatchObject({ active: true });
  });
});
