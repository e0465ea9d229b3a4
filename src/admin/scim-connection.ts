import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The tenant's SCIM connection, locked until the transaction ends, so that
 * enabling, disabling and rotating tokens for one tenant run one at a time
 * and each decides on the state the previous one left. Undefined when SCIM
 * was never enabled for the tenant.
 */
export function lockScimConnection(
  trx: Kysely<Database>,
  tenantId: string,
): Promise<{ enabled: boolean } | undefined> {
  return trx
    .selectFrom('scim_connections')
    .select('enabled')
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirst();
}
