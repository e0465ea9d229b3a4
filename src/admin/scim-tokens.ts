import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { newId } from '../ids';
import { hashSecret, newSecret } from '../secrets';

/** Issues a SCIM token; only its hash is stored, the value is returned once. */
export async function issueScimToken(trx: Kysely<Database>, tenantId: string): Promise<{ id: string; token: string }> {
  const token = newSecret('scim');
  const id = newId('stk');
  await trx
    .insertInto('scim_tokens')
    .values({ id, tenant_id: tenantId, token_hash: hashSecret(token) })
    .execute();

  return { id, token };
}

/**
 * Ends every live token of the tenant except `keepId`: at once, or after an
 * overlap for IdPs that cannot switch tokens atomically.
 */
export async function retireScimTokens(
  trx: Kysely<Database>,
  tenantId: string,
  keepId: string,
  overlapSeconds: number,
): Promise<number> {
  const retire =
    overlapSeconds === 0
      ? { revoked_at: sql<Date>`now()` }
      : { expires_at: sql<Date>`least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => ${overlapSeconds}))` };
  const result = await trx
    .updateTable('scim_tokens')
    .set(retire)
    .where('tenant_id', '=', tenantId)
    .where('id', '!=', keepId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows);
}
