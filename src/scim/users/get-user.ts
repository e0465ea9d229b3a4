import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { tenantOf } from '../authenticate';
import { isNotModified, setVersionHeader } from '../versioning';
import { loadUser } from './load-user';
import { requestedUserProjection, sendUser } from './user-response';
import { userVersion } from './user-representation';

/**
 * RFC 7644 §3.4.1: GET /Users/{id}, narrowed by `attributes` or
 * `excludedAttributes`; `excludedAttributes=groups` never reads memberships.
 */
export function getUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const projection = requestedUserProjection(request);
    const row = await loadUser(context.db, tenantOf(request), String(request.params.id));
    const version = userVersion(row);
    if (isNotModified(request, version)) {
      setVersionHeader(response, version);
      response.status(304).end();
      return;
    }

    await sendUser(context, request, response, 200, row, projection);
  };
}
