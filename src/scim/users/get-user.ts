import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { sendScim } from '../../http/scim-response';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import { isNotModified, setVersionHeader } from '../versioning';
import { loadGroupsOf, loadUser } from './load-user';
import { toScimUser, userVersion } from './user-representation';

/** RFC 7644 §3.4.1: GET /Users/{id}. */
export function getUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const row = await loadUser(context.db, tenantOf(request), String(request.params.id));
    const version = userVersion(row);
    setVersionHeader(response, version);
    if (isNotModified(request, version)) {
      response.status(304).end();
      return;
    }

    const groups = await loadGroupsOf(context.db, [row.id]);
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    sendScim(response, 200, toScimUser(row, groups.get(row.id) ?? [], baseUrl));
  };
}
