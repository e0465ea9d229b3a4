import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import type { Db } from '../../db/database';
import { sendScim } from '../../http/scim-response';
import { tenantOf } from '../authenticate';
import { scimBaseUrl } from '../base-url';
import { parseFilter } from '../filter/parser';
import { readListParameters } from '../list-parameters';
import { cursorListResponse, listResponse } from '../list-response';
import type { Projection } from '../projection';
import { readProjections } from '../projection';
import type { ScimObject } from '../resource/normalize';
import { tolerantTarget } from './absent-attributes';
import type { PageEntry, PageSource } from './find-page';
import { findPage } from './find-page';
import type { ListSource } from './list-sources';
import { readSearchRequest } from './search-request';

/**
 * RFC 7644 §3.4.2 and §3.4.3: a query of one resource type (GET /Users,
 * POST /Users/.search, and the same for Groups) or of several at once (POST
 * /.search at the root). Parameters come from the query string or from a
 * SearchRequest body; the page is found by findPage and each resource is
 * shown as `attributes` / `excludedAttributes` ask.
 */
export function listResources(
  context: AppContext,
  sources: ListSource[],
  from: 'query' | 'body',
): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const given =
      from === 'query'
        ? (request.query as Record<string, unknown>)
        : readSearchRequest(request.body);
    const parameters = readListParameters(given);
    const projections = readProjections(
      sources.map((source) => source.resourceType),
      given,
    );
    const filter = parameters.filter === undefined ? undefined : parseFilter(parameters.filter);

    const page = await findPage(
      context.db,
      tenantId,
      pageSources(sources),
      filter,
      parameters,
      new Date(),
    );

    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    const resources = await representPage(context.db, tenantId, page.entries, projections, baseUrl);
    sendScim(
      response,
      200,
      page.cursors === undefined
        ? listResponse(resources, page.total, parameters.startIndex)
        : cursorListResponse(resources, page.total, page.cursors),
    );
  };
}

/** Over several resource types, each reads the attributes only the others have as absent. */
function pageSources(sources: ListSource[]): PageSource[] {
  return sources.map((source) => {
    const others = sources.filter((other) => other !== source).map((other) => other.resourceType);

    return {
      source,
      target: others.length === 0 ? source.target : tolerantTarget(source.target, others),
    };
  });
}

/**
 * The page's resources in page order. One that was deleted between finding
 * the page and reading it is left out rather than shown half.
 */
async function representPage(
  db: Db,
  tenantId: string,
  entries: PageEntry[],
  projections: Projection[],
  baseUrl: string,
): Promise<ScimObject[]> {
  const shown = new Map<string, ScimObject>();
  for (const projection of projections) {
    const ids = entries
      .filter((entry) => entry.source.resourceType === projection.resourceType)
      .map((entry) => entry.id);
    const source = entries.find(
      (entry) => entry.source.resourceType === projection.resourceType,
    )?.source;
    if (source === undefined) continue;
    for (const [id, resource] of await source.represent(db, tenantId, ids, projection, baseUrl)) {
      shown.set(id, resource);
    }
  }

  return entries.flatMap((entry) => {
    const resource = shown.get(entry.id);

    return resource === undefined ? [] : [resource];
  });
}
