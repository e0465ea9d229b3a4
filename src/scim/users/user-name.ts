import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { uniqueness } from '../errors';

/** The unique index that holds userName unique per tenant among users not deleted. */
export const USER_NAME_INDEX = 'users_tenant_user_name';

/** userName is unique per tenant, case-insensitively (RFC 7643 §4.1, uniqueness "server"). */
export async function assertUserNameFree(
  db: Kysely<Database>,
  tenantId: string,
  userName: string,
  exceptUserId: string | null,
): Promise<void> {
  let query = db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb(eb.fn('lower', ['user_name']), '=', userName.toLowerCase()))
    .where('deleted_at', 'is', null);
  if (exceptUserId !== null) query = query.where('id', '!=', exceptUserId);
  const holder = await query.executeTakeFirst();
  if (holder !== undefined) {
    throw uniqueness(`A user with userName "${userName}" already exists.`);
  }
}
