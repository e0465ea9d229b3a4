import type { Kysely } from 'kysely';

/**
 * When a user was last deactivated: sessions and agent tokens issued before
 * it stay rejected after a reactivation, even while the deprovisioning
 * workflow that revokes them one by one has not run yet.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('tokens_invalid_before', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('tokens_invalid_before').execute();
}
