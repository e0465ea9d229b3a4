import express from 'express';
import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { sendScim } from '../../http/scim-response';
import { verifyUtf8 } from '../../http/text-guard';
import { scimBaseUrl } from '../base-url';
import { ScimError } from '../errors';
import { writeScopeOf } from '../write-scope';
import { BULK_MAX_PAYLOAD_SIZE, BULK_RESPONSE_SCHEMA, readBulkRequest } from './bulk-request';
import { processBulkRequest } from './process-bulk-request';

/**
 * RFC 7644 §3.7: POST /Bulk. The answer is 200 with one entry per operation
 * that ran, each with its own status; errors of an operation are answered in
 * its entry, errors of the request as a whole as the request's error.
 */
export function bulk(context: AppContext): RequestHandler {
  return async (request, response) => {
    const bulkRequest = readBulkRequest(request.body);
    const scope = writeScopeOf(request);
    const baseUrl = scimBaseUrl(request, context.config.PUBLIC_BASE_URL);

    const operations = await processBulkRequest(context, scope, baseUrl, bulkRequest);

    sendScim(response, 200, { schemas: [BULK_RESPONSE_SCHEMA], Operations: operations });
  };
}

/**
 * Parses Bulk bodies up to maxPayloadSize (RFC 7644 §3.7.4), and answers a
 * larger one with 413 naming the limit. It runs before the body parser of
 * every other route, so that the limit advertised is the limit enforced.
 */
export function bulkBodyParser(types: string[]): RequestHandler {
  // The same UTF-8 check as every other body: a Bulk body is no place to slip in bytes
  // that would be stored as replacement characters.
  const parse = express.json({ type: types, limit: BULK_MAX_PAYLOAD_SIZE, verify: verifyUtf8 });

  return (request, response, next) => {
    parse(request, response, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
        next(
          new ScimError(
            413,
            undefined,
            `The Bulk request is larger than ${BULK_MAX_PAYLOAD_SIZE} bytes (maxPayloadSize). ` +
              'Split it into several requests.',
          ),
        );
        return;
      }
      next(error);
    });
  };
}
