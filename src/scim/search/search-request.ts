import { invalidSyntax } from '../errors';
import { isPlainObject, readKey } from '../resource/json-value';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** The SearchRequest attributes (RFC 7644 §3.4.3, and `cursor` from RFC 9865 §2). */
const PARAMETERS = [
  'attributes',
  'excludedAttributes',
  'filter',
  'sortBy',
  'sortOrder',
  'startIndex',
  'count',
  'cursor',
] as const;

/**
 * Reads a POST /.search body into the parameters a GET would carry in its
 * query string. Names are matched case-insensitively (RFC 7643 §2.1); the
 * values keep their JSON types, which readListParameters and readProjection
 * accept (`attributes` as an array of strings, `count` as a number).
 *
 * The body must say it is a SearchRequest: RFC 7644 §3.4.3 requires the
 * `schemas` value, and a body without it is more likely a resource posted to
 * the wrong URL than a search.
 *
 * @throws ScimError 400 `invalidSyntax` for a body that is not a SearchRequest.
 */
export function readSearchRequest(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) {
    throw invalidSyntax('A /.search request body must be a SearchRequest JSON object.');
  }
  const schemas = readKey(body, 'schemas', 'The SearchRequest');
  const isSearchRequest =
    Array.isArray(schemas) &&
    schemas.some(
      (urn) => typeof urn === 'string' && urn.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase(),
    );
  if (!isSearchRequest) {
    throw invalidSyntax(
      `A /.search request body must have "schemas": ["${SEARCH_REQUEST_SCHEMA}"].`,
    );
  }

  const parameters: Record<string, unknown> = {};
  for (const name of PARAMETERS) {
    const value = readKey(body, name, 'The SearchRequest');
    if (value !== undefined && value !== null) parameters[name] = value;
  }

  return parameters;
}
