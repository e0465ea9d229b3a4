import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Actor } from '../audit/record-audit-event';
import { actorOf } from '../http/request-context';
import { tenantOf } from './authenticate';

/**
 * Who performs a SCIM write and on what terms. A write that came as a request
 * of its own and one that came as an operation of a Bulk request (RFC 7644
 * §3.7) run the same function with it.
 */
export interface WriteScope {
  tenantId: string;
  actor: Actor;
  /** If-Match, or a Bulk operation's `version`: the version the client expects (RFC 7644 §3.14). */
  ifMatch: string | undefined;
  logger: Logger;
}

export function writeScopeOf(request: Request): WriteScope {
  const tenantId = tenantOf(request);

  return {
    tenantId,
    actor: actorOf(request, 'scim', tenantId),
    ifMatch: request.header('if-match'),
    logger: request.log,
  };
}
