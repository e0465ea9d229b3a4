import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { sendScim } from '../../http/scim-response';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import { parseFilter } from '../filter/parser';
import { compileFilter, compileSortKey, userFilterTarget } from '../filter/to-sql';
import { readListParameters } from '../list-parameters';
import { listResponse } from '../list-response';
import { loadGroupsOf } from './load-user';
import { toScimUser } from './user-representation';

/**
 * RFC 7644 §3.4.2: GET /Users (and POST /Users/.search). The filter runs in
 * SQL with bound parameters; results are ordered by sortBy, then by id, so
 * that pages are stable.
 */
export function listUsers(context: AppContext, from: 'query' | 'body'): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const source = (from === 'query' ? request.query : (request.body ?? {})) as Record<string, unknown>;
    const parameters = readListParameters(source);
    const target = userFilterTarget('users');
    const condition =
      parameters.filter === undefined ? sql<boolean>`true` : compileFilter(parseFilter(parameters.filter), target);

    const base = context.db
      .selectFrom('users')
      .where('tenant_id', '=', tenantId)
      .where('deleted_at', 'is', null)
      .where(condition);
    const { total } = await base
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .executeTakeFirstOrThrow();

    let rows: Awaited<ReturnType<typeof page.execute>> = [];
    const direction = parameters.sortOrder === 'descending' ? sql`desc` : sql`asc`;
    let page = base.selectAll();
    if (parameters.sortBy !== undefined) {
      page = page.orderBy(sql`${compileSortKey(parameters.sortBy, target)} ${direction} nulls last`);
    }
    page = page.orderBy('id').offset(parameters.startIndex - 1).limit(parameters.count);
    if (parameters.count > 0) rows = await page.execute();

    const groups = await loadGroupsOf(context.db, rows.map((row) => row.id));
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    const resources = rows.map((row) => toScimUser(row, groups.get(row.id) ?? [], baseUrl));
    sendScim(response, 200, listResponse(resources, Number(total), parameters.startIndex));
  };
}
