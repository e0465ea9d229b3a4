import type { AppContext } from '../../app-context';
import { translateDatabaseError } from '../../http/database-errors';
import { ScimError, invalidValue } from '../errors';
import type { WriteScope } from '../write-scope';
import { referencedBulkIds, resolveBulkIds } from './bulk-references';
import type { BulkMethod, BulkOperation, BulkRequest } from './bulk-request';
import type { BulkTarget } from './run-bulk-operation';
import { readBulkTarget, runBulkOperation } from './run-bulk-operation';

/** One entry of a BulkResponse's `Operations` (RFC 7644 §3.7.3). */
export interface BulkOperationResponse {
  method: string | undefined;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  /** Only for errors: the RFC 7644 §3.12 error body. */
  response?: Record<string, unknown>;
}

interface Outcome {
  response: BulkOperationResponse;
  /** The id of the resource the operation wrote, when it succeeded. */
  id: string | undefined;
}

/**
 * Runs a BulkRequest's operations (RFC 7644 §3.7) and answers each.
 *
 * Operations run in request order, except that an operation referring to
 * `bulkId:x` first runs the POST that creates x, wherever it stands, so
 * forward references resolve. A reference to an operation that failed or is
 * still waiting on the referrer (a cycle) fails the referrer with 409, as
 * §3.7.1 allows. After `failOnErrors` errors nothing more runs, and only the
 * operations that ran are answered, in request order.
 */
export async function processBulkRequest(
  context: AppContext,
  scope: WriteScope,
  baseUrl: string,
  request: BulkRequest,
): Promise<BulkOperationResponse[]> {
  const { operations } = request;
  const errorLimit = request.failOnErrors ?? Number.POSITIVE_INFINITY;
  const byBulkId = new Map<string, number>();
  operations.forEach((operation, index) => {
    if (operation.bulkId !== undefined) byBulkId.set(operation.bulkId, index);
  });
  const outcomes = new Map<number, Outcome>();
  const running = new Set<number>();
  const createdIds = new Map<string, string>();
  let errors = 0;

  const run = async (index: number): Promise<void> => {
    if (outcomes.has(index) || running.has(index) || errors >= errorLimit) return;
    running.add(index);
    const outcome = await attempt(index);
    running.delete(index);
    if (outcome === undefined) return;

    outcomes.set(index, outcome);
    if (outcome.id === undefined) errors += 1;
    const { bulkId } = operations[index] as BulkOperation;
    if (bulkId !== undefined && outcome.id !== undefined) createdIds.set(bulkId, outcome.id);
  };

  /** Undefined when the error limit was reached while its references ran, so it must not run. */
  const attempt = async (index: number): Promise<Outcome | undefined> => {
    const operation = operations[index] as BulkOperation;
    if (operation.problem !== undefined) return failure(operation, operation.problem, undefined);
    const method = operation.method as BulkMethod;
    const path = operation.path as string;

    for (const reference of referencedBulkIds(path, operation.data)) {
      const creator = byBulkId.get(reference);
      if (creator === undefined) {
        const detail = `"bulkId:${reference}" refers to no operation of this request.`;

        return failure(operation, invalidValue(detail), undefined);
      }
      // TODO(bulk): break a cycle by creating without the reference and patching it in afterwards
      // (RFC 7644 §3.7.1); until then it is refused with 409, which the RFC allows.
      if (running.has(creator)) {
        const detail = `"bulkId:${reference}" is part of a circular reference between operations.`;

        return failure(operation, new ScimError(409, undefined, detail), undefined);
      }
      await run(creator);
      if (errors >= errorLimit) return undefined;
      if (!createdIds.has(reference)) {
        const detail =
          `"bulkId:${reference}" names an operation that created no resource ` +
          '(it failed, or is not a POST); this operation depends on it.';

        return failure(operation, new ScimError(409, undefined, detail), undefined);
      }
    }

    const resolved = resolveBulkIds(path, operation.data, createdIds);
    let target: BulkTarget | undefined;
    try {
      target = readBulkTarget(method, resolved.path);
      const done = await runBulkOperation(
        context,
        { ...scope, ifMatch: operation.version },
        method,
        target,
        resolved.data,
      );

      return {
        id: done.id,
        response: {
          method,
          ...(operation.bulkId === undefined ? {} : { bulkId: operation.bulkId }),
          ...(done.version === undefined ? {} : { version: done.version }),
          location: `${baseUrl}/${target.endpoint}/${done.id}`,
          status: String(done.status),
        },
      };
    } catch (error) {
      const location =
        target?.id === undefined ? undefined : `${baseUrl}/${target.endpoint}/${target.id}`;

      return failure(operation, asScimError(error, scope), location);
    }
  };

  for (let index = 0; index < operations.length && errors < errorLimit; index += 1) {
    await run(index);
  }

  return [...outcomes.entries()].sort(([a], [b]) => a - b).map(([, outcome]) => outcome.response);
}

function failure(
  operation: BulkOperation,
  error: ScimError,
  location: string | undefined,
): Outcome {
  return {
    id: undefined,
    response: {
      method: operation.method,
      ...(operation.bulkId === undefined ? {} : { bulkId: operation.bulkId }),
      ...(location === undefined ? {} : { location }),
      status: String(error.status),
      response: error.toJSON(),
    },
  };
}

/** As the error middleware does for a request of its own: internals stay hidden, and logged. */
function asScimError(error: unknown, scope: WriteScope): ScimError {
  const translated = error instanceof ScimError ? error : translateDatabaseError(error);
  if (translated !== undefined && translated.status < 500) return translated;
  scope.logger.error({ err: error }, 'bulk operation failed');

  return (
    translated ?? new ScimError(500, undefined, 'The service failed to process this operation.')
  );
}
