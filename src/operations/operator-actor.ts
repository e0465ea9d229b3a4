import type { Request } from 'express';
import type { Actor } from '../audit/record-audit-event';
import { actorOf } from '../http/request-context';
import { invalidValue } from '../scim/errors';

export const ACTOR_HEADER = 'X-Bulwark-Actor';

const MAX_NAME_LENGTH = 200;
// Printable text only: the name lands in the audit log and in terminals.
const PRINTABLE = /^[^\p{Cc}\p{Cf}]+$/u;

function checkedName(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '' || name.length > MAX_NAME_LENGTH || !PRINTABLE.test(name)) {
    throw invalidValue(
      `${where} must name who is asking in 1 to ${MAX_NAME_LENGTH} printable characters, e.g. "jane.doe@support".`,
    );
  }

  return name;
}

/**
 * The admin actor of an operations request: the support engineer named by the
 * `X-Bulwark-Actor` header or the body's `requested_by`, else the admin key
 * alone (actor id null). Naming two different people is refused.
 */
export function operatorActor(request: Request): Actor {
  const fromHeader = checkedName(request.header(ACTOR_HEADER), `The ${ACTOR_HEADER} header`);
  const body = request.body as { requested_by?: unknown } | undefined;
  const fromBody = checkedName(body?.requested_by, '"requested_by"');
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    throw invalidValue(
      `The ${ACTOR_HEADER} header and "requested_by" name different people; send one.`,
    );
  }

  return actorOf(request, 'admin', fromBody ?? fromHeader ?? null);
}
