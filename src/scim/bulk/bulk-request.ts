import { ScimError, invalidSyntax, invalidValue } from '../errors';
import { isPlainObject, readKey } from '../resource/json-value';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

/** Advertised in /ServiceProviderConfig `bulk` (RFC 7644 §3.7.4) and enforced with 413. */
export const BULK_MAX_OPERATIONS = 1000;
/** Bytes of one Bulk request body: 1 MiB, the same as every other request body. */
export const BULK_MAX_PAYLOAD_SIZE = 1_048_576;

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One entry of a BulkRequest's `Operations` (RFC 7644 §3.7), checked as far as it can be alone. */
export interface BulkOperation {
  /** The method as given, for the answer; upper-cased when it is a string. */
  method: string | undefined;
  bulkId: string | undefined;
  /** The version the client expects, checked as If-Match is. */
  version: string | undefined;
  path: string | undefined;
  data: unknown;
  /** Why the operation cannot run, found before anything runs; it is answered as that error. */
  problem: ScimError | undefined;
}

export interface BulkRequest {
  /** Errors after which the rest is not processed; undefined means process everything. */
  failOnErrors: number | undefined;
  operations: BulkOperation[];
}

const METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Reads a BulkRequest (RFC 7644 §3.7). Problems of the message as a whole
 * refuse it; problems of one operation are kept on it and answered for it
 * alone, as the operation's error.
 *
 * @throws ScimError 400 `invalidSyntax` for a body that is not a BulkRequest,
 *   400 `invalidValue` for a bad failOnErrors or a bulkId given twice, 413
 *   for more than BULK_MAX_OPERATIONS operations.
 */
export function readBulkRequest(body: unknown): BulkRequest {
  if (!isPlainObject(body))
    throw invalidSyntax('A Bulk request body must be a BulkRequest JSON object.');
  const schemas = readKey(body, 'schemas', 'The BulkRequest');
  const isBulkRequest =
    Array.isArray(schemas) &&
    schemas.some(
      (urn) => typeof urn === 'string' && urn.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase(),
    );
  if (!isBulkRequest) {
    throw invalidSyntax(`A Bulk request body must have "schemas": ["${BULK_REQUEST_SCHEMA}"].`);
  }
  const operations = readKey(body, 'Operations', 'The BulkRequest');
  if (!Array.isArray(operations)) {
    throw invalidSyntax('A BulkRequest must have "Operations": an array of operations.');
  }
  if (operations.length > BULK_MAX_OPERATIONS) {
    throw new ScimError(
      413,
      undefined,
      `The BulkRequest has ${operations.length} operations; this service accepts at most ` +
        `${BULK_MAX_OPERATIONS} (maxOperations). Split it into several requests.`,
    );
  }

  const read = operations.map(readOperation);
  assertUniqueBulkIds(read);

  return {
    failOnErrors: readFailOnErrors(readKey(body, 'failOnErrors', 'The BulkRequest')),
    operations: read,
  };
}

function readFailOnErrors(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidValue(`"failOnErrors" must be a positive integer; got ${JSON.stringify(value)}.`);
  }

  return value;
}

function readOperation(input: unknown, index: number): BulkOperation {
  const where = `Operations[${index}]`;
  const operation: BulkOperation = {
    method: undefined,
    bulkId: undefined,
    version: undefined,
    path: undefined,
    data: undefined,
    problem: undefined,
  };
  if (!isPlainObject(input)) {
    operation.problem = invalidSyntax(`${where} must be a JSON object.`);

    return operation;
  }

  try {
    const method = readKey(input, 'method', where);
    operation.method = typeof method === 'string' ? method.toUpperCase() : undefined;
    operation.bulkId = optionalText(readKey(input, 'bulkId', where), `${where}.bulkId`);
    operation.version = optionalText(readKey(input, 'version', where), `${where}.version`);
    operation.path = optionalText(readKey(input, 'path', where), `${where}.path`);
    operation.data = readKey(input, 'data', where);

    if (operation.method === undefined || !METHODS.includes(operation.method)) {
      throw invalidValue(
        `${where}.method must be one of ${METHODS.join(', ')}; got ${JSON.stringify(method)}.`,
      );
    }
    if (operation.path === undefined) throw invalidSyntax(`${where} has no "path".`);
    // RFC 7644 §3.7: bulkId is required with POST, so that later operations can refer to the result.
    if (operation.method === 'POST' && operation.bulkId === undefined) {
      throw invalidSyntax(
        `${where} is a POST without "bulkId"; give it one, unique in the request.`,
      );
    }
    if (operation.method !== 'DELETE' && !isPlainObject(operation.data)) {
      throw invalidSyntax(
        `${where} is a ${operation.method} without "data": the resource or PatchOp to send.`,
      );
    }
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    operation.problem = error;
  }

  return operation;
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '')
    throw invalidSyntax(`${name} must be a non-empty string.`);

  return value;
}

/** A bulkId names one operation; twice would make every reference to it ambiguous. */
function assertUniqueBulkIds(operations: BulkOperation[]): void {
  const seen = new Set<string>();
  for (const { bulkId } of operations) {
    if (bulkId === undefined) continue;
    if (seen.has(bulkId)) {
      throw invalidValue(
        `bulkId "${bulkId}" is given to more than one operation; bulkIds must be unique.`,
      );
    }
    seen.add(bulkId);
  }
}
