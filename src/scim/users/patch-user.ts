import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { actorOf } from '../../http/request-context';
import { sendScim } from '../../http/scim-response';
import { startAfterCommit } from '../../sync/start-after-commit';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import { applyPatch } from '../resource/patch';
import { userResourceType } from '../schemas/resource-types';
import { checkIfMatch, setVersionHeader } from '../versioning';
import { loadGroupsOf, loadUser } from './load-user';
import { saveUser } from './save-user';
import { toCanonicalUser, toScimUser, userVersion } from './user-representation';
import { assertUserNameFree } from './user-name';

/**
 * RFC 7644 §3.5.2: PATCH /Users/{id}. All operations apply or none; the
 * answer is always 200 with the resulting user.
 */
export function patchUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const userId = String(request.params.id);

    const saved = await context.db.transaction().execute(async (trx) => {
      const current = await loadUser(trx, tenantId, userId, true);
      checkIfMatch(request, userVersion(current));
      const { resource } = applyPatch(userResourceType, toCanonicalUser(current), request.body);
      if (String(resource.userName).toLowerCase() !== current.user_name.toLowerCase()) {
        await assertUserNameFree(trx, tenantId, String(resource.userName), userId);
      }

      return saveUser(trx, actorOf(request, 'scim', tenantId), current, resource, 'patch');
    });
    await startAfterCommit(context.db, context.workflows, saved.events, request.log);

    const groups = await loadGroupsOf(context.db, [userId]);
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    setVersionHeader(response, userVersion(saved.row));
    sendScim(response, 200, toScimUser(saved.row, groups.get(userId) ?? [], baseUrl));
  };
}
