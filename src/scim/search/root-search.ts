import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { listResources } from './list-resources';
import { groupListSource, userListSource } from './list-sources';

/**
 * RFC 7644 §3.4.2.1 and §3.4.3: a query at the service root covers Users and
 * Groups at once, as GET / with query parameters or as POST /.search with a
 * SearchRequest body; both forms answer alike and share cursors. The filter
 * applies to each resource type, an attribute only one of them has reading
 * as absent in the other (§3.4.2.2); `attributes` may name attributes of
 * either. Resources are ordered by sortBy, then by id, across both types,
 * and page by startIndex or cursor like any list.
 */
export function searchAllResources(context: AppContext, from: 'query' | 'body'): RequestHandler {
  return listResources(context, [userListSource, groupListSource], from);
}
