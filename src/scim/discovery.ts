import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../app-context';
import { sendScim } from '../http/scim-response';
import { scimBaseUrl } from './base-url';
import { notFound, ScimError } from './errors';
import { BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD_SIZE } from './bulk/bulk-request';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './list-parameters';
import { listResponse } from './list-response';
import { CURSOR_TIMEOUT_SECONDS } from './search/cursor';
import type { SchemaDefinition } from './schemas/attribute';
import type { ResourceType } from './schemas/resource-types';
import { groupResourceType, userResourceType } from './schemas/resource-types';

const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

const resourceTypes = [userResourceType, groupResourceType];
const schemas: SchemaDefinition[] = resourceTypes.flatMap((type) => [type.schema, ...type.extensions]);

function meta(baseUrl: string, resourceType: string, path: string) {
  return { resourceType, location: `${baseUrl}${path}` };
}

/**
 * RFC 7644 §4: a filter on a discovery endpoint gets 403, so that no client
 * takes the unfiltered document for the answer to its conditions.
 */
function refuseFilter(request: Request): void {
  if (request.query.filter === undefined) return;
  throw new ScimError(
    403,
    undefined,
    `${request.path} cannot be filtered (RFC 7644 §4); request it without "filter" and read the fields you need.`,
  );
}

/**
 * RFC 7644 §4: /ServiceProviderConfig promises only what the service does.
 * Password change is not offered (sign-in goes through SSO). `pagination`
 * is RFC 9865 §4: both methods, startIndex by default, as IdPs expect.
 */
export function serviceProviderConfig(context: AppContext): RequestHandler {
  return (request, response) => {
    refuseFilter(request);
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    sendScim(response, 200, {
      schemas: [CONFIG_SCHEMA],
      patch: { supported: true },
      bulk: {
        supported: true,
        maxOperations: BULK_MAX_OPERATIONS,
        maxPayloadSize: BULK_MAX_PAYLOAD_SIZE,
      },
      filter: { supported: true, maxResults: MAX_PAGE_SIZE },
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: DEFAULT_PAGE_SIZE,
        maxPageSize: MAX_PAGE_SIZE,
        cursorTimeout: CURSOR_TIMEOUT_SECONDS,
      },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: "The tenant's SCIM bearer token, issued when SCIM is enabled.",
          primary: true,
        },
      ],
      meta: meta(baseUrl, 'ServiceProviderConfig', '/ServiceProviderConfig'),
    });
  };
}

function resourceTypeDocument(type: ResourceType, baseUrl: string) {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.schema.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((extension) => ({ schema: extension.id, required: false })),
    meta: meta(baseUrl, 'ResourceType', `/ResourceTypes/${type.name}`),
  };
}

function schemaDocument(schema: SchemaDefinition, baseUrl: string) {
  return { schemas: [SCHEMA_SCHEMA], ...schema, meta: meta(baseUrl, 'Schema', `/Schemas/${schema.id}`) };
}

function listOrOne<T extends { id: string }>(
  request: Request,
  items: T[],
  what: string,
): { list: T[] } | { one: T } {
  const id = request.params.id;
  if (id === undefined) return { list: items };
  const item = items.find((candidate) => candidate.id === id);
  if (item === undefined) throw notFound(`${what} "${id}" not found.`);

  return { one: item };
}

/** RFC 7644 §4: /ResourceTypes and /ResourceTypes/{name}. */
export function resourceTypesEndpoint(context: AppContext): RequestHandler {
  return (request, response) => {
    refuseFilter(request);
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    const documents = resourceTypes.map((type) => resourceTypeDocument(type, baseUrl));
    const found = listOrOne(request, documents, 'Resource type');
    if ('one' in found) sendScim(response, 200, found.one);
    else sendScim(response, 200, listResponse(found.list, found.list.length, 1));
  };
}

/** RFC 7644 §4: /Schemas and /Schemas/{urn}. */
export function schemasEndpoint(context: AppContext): RequestHandler {
  return (request, response) => {
    refuseFilter(request);
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);
    const documents = schemas.map((schema) => schemaDocument(schema, baseUrl));
    const found = listOrOne(request, documents, 'Schema');
    if ('one' in found) sendScim(response, 200, found.one);
    else sendScim(response, 200, listResponse(found.list, found.list.length, 1));
  };
}
