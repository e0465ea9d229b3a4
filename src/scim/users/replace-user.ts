import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { actorOf } from '../../http/request-context';
import { sendScim } from '../../http/scim-response';
import { startAfterCommit } from '../../sync/start-after-commit';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import { mutability } from '../errors';
import { normalizeResource } from '../resource/normalize';
import { userResourceType } from '../schemas/resource-types';
import { checkIfMatch, setVersionHeader } from '../versioning';
import { loadGroupsOf, loadUser } from './load-user';
import { saveUser } from './save-user';
import { toScimUser, userVersion } from './user-representation';
import { assertUserNameFree } from './user-name';

/**
 * RFC 7644 §3.5.1: PUT replaces the user. Attributes not sent are cleared,
 * read-only ones ignored; `id` must match when given.
 */
export function replaceUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const userId = String(request.params.id);
    const next = normalizeResource(userResourceType, request.body, 'replace');
    const givenId = (request.body as { id?: unknown })?.id;
    if (givenId !== undefined && givenId !== userId) {
      throw mutability(`"id" is immutable: the body names "${String(givenId)}", the URL "${userId}".`);
    }

    const saved = await context.db.transaction().execute(async (trx) => {
      const current = await loadUser(trx, tenantId, userId, true);
      checkIfMatch(request, userVersion(current));
      await assertUserNameFree(trx, tenantId, String(next.userName), userId);

      return saveUser(trx, actorOf(request, 'scim', tenantId), current, next, 'replace');
    });
    await startAfterCommit(context.db, context.workflows, saved.events, request.log);

    const groups = await loadGroupsOf(context.db, [userId]);
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    setVersionHeader(response, userVersion(saved.row));
    sendScim(response, 200, toScimUser(saved.row, groups.get(userId) ?? [], baseUrl));
  };
}

