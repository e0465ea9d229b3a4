import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { listResources } from '../search/list-resources';
import { userListSource } from '../search/list-sources';

/**
 * RFC 7644 §3.4.2: GET /Users (and POST /Users/.search, §3.4.3). The filter
 * runs in SQL with bound parameters; pages go by startIndex or by cursor
 * (RFC 9865), and `excludedAttributes=groups` never reads memberships.
 */
export function listUsers(context: AppContext, from: 'query' | 'body'): RequestHandler {
  return listResources(context, [userListSource], from);
}
