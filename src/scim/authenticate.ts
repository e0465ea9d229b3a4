import type { RequestHandler } from 'express';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { hashSecret } from '../secrets';
import { unauthorized } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by SCIM authentication: the tenant the bearer token belongs to. */
    tenantId?: string;
  }
}

/**
 * last_used_at is written at most this often per token, not on every request:
 * an IdP pushing hundreds of writes a second would otherwise queue them all
 * behind one row lock.
 */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * RFC 7644 §2: the tenant's SCIM bearer token selects the tenant. Missing,
 * unknown, revoked or expired tokens, and tokens of a disabled connection, are 401.
 */
export function authenticateScim(db: Db): RequestHandler {
  return async (request, _response, next) => {
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) {
      throw unauthorized('Send the tenant SCIM token as "Authorization: Bearer <token>".');
    }

    const token = await db
      .selectFrom('scim_tokens as t')
      .innerJoin('scim_connections as c', 'c.tenant_id', 't.tenant_id')
      .select(['t.id', 't.tenant_id', 't.last_used_at'])
      .where('t.token_hash', '=', hashSecret(match[1]))
      .where('t.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
      .where('c.enabled', '=', true)
      .executeTakeFirst();
    if (token === undefined) {
      throw unauthorized('The bearer token is not valid for any tenant with SCIM enabled.');
    }

    const lastUsed = token.last_used_at?.getTime() ?? 0;
    if (Date.now() - lastUsed >= LAST_USED_RESOLUTION_MS) {
      // Guarded again in SQL so that concurrent requests write it once.
      await db
        .updateTable('scim_tokens')
        .set({ last_used_at: sql`now()` })
        .where('id', '=', token.id)
        .where((eb) =>
          eb.or([
            eb('last_used_at', 'is', null),
            eb('last_used_at', '<', sql<Date>`now() - make_interval(secs => ${LAST_USED_RESOLUTION_MS / 1000})`),
          ]),
        )
        .execute();
    }

    request.tenantId = token.tenant_id;
    request.log = request.log?.child({ tenantId: token.tenant_id });
    next();
  };
}

export function tenantOf(request: { tenantId?: string }): string {
  if (request.tenantId === undefined) throw new Error('SCIM route reached without authentication');

  return request.tenantId;
}
