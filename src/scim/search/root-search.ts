import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { listResources } from './list-resources';
import { groupListSource, userListSource } from './list-sources';

/**
 * RFC 7644 §3.4.3: POST /.search at the root queries Users and Groups at
 * once. The filter applies to each resource type, an attribute only one of
 * them has reading as absent in the other (§3.4.2.2); `attributes` may name
 * attributes of either. Resources are ordered by sortBy, then by id, across
 * both types, and page by startIndex or cursor like any list.
 */
// TODO(search): RFC 7644 §3.4.2.1 also allows GET at the root with query parameters; only the
// POST /.search form is routed so far.
export function searchAllResources(context: AppContext, from: 'query' | 'body'): RequestHandler {
  return listResources(context, [userListSource, groupListSource], from);
}
