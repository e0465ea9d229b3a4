import type { ErrorRequestHandler } from 'express';
import { ScimError, invalidSyntax } from '../scim/errors';
import { translateDatabaseError } from './database-errors';

/** Errors thrown by body-parser carry these. */
interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

function toScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;

  // Express decodes path parameters; malformed percent-encoding surfaces as a URIError.
  if (error instanceof URIError) {
    return invalidSyntax('The URL contains malformed percent-encoding.');
  }
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.parse.failed') {
    return invalidSyntax('The request body is not valid JSON.');
  }
  if (parserError?.type === 'entity.too.large') {
    return new ScimError(413, undefined, 'The request body is larger than this service accepts.');
  }
  if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
    return new ScimError(415, undefined, 'The request body must be UTF-8 JSON.');
  }
  if (parserError?.expose === true && typeof parserError.status === 'number' && parserError.status < 500) {
    return new ScimError(parserError.status, 'invalidSyntax', 'The request body could not be read.');
  }

  return translateDatabaseError(error);
}

/**
 * The one place errors become responses: RFC 7644 §3.12 bodies for everything
 * a client caused; a generic 500 that hides internals (and is logged) for the rest.
 */
export const errorHandler: ErrorRequestHandler = (error, request, response, _next) => {
  const scimError =
    toScimError(error) ?? new ScimError(500, undefined, 'The service failed to process the request.');
  if (scimError.status >= 500) {
    request.log?.error({ err: error }, 'request failed');
  }

  const isScim = request.originalUrl.startsWith('/scim/');
  response
    .status(scimError.status)
    .set(scimError.headers)
    .type(isScim ? 'application/scim+json' : 'application/json')
    .send(JSON.stringify(scimError));
};
