import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Actor } from '../audit/record-audit-event';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Uses the caller's X-Request-Id when it is a plain token, so a trace spans systems. */
export function requestIdOf(request: Request): string {
  const given = request.header('x-request-id');

  return given !== undefined && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

/** The actor every write of this request is recorded under. */
export function actorOf(request: Request, type: Actor['type'], id: string | null): Actor {
  return {
    type,
    id,
    requestId: String(request.id),
    userAgent: request.header('user-agent')?.slice(0, 512) ?? null,
  };
}
