import { sql } from 'kysely';
import type { Db } from '../src/db/database';
import { recordAuditEvent, systemActor } from '../src/audit/record-audit-event';
import { NonRetryable, permanentFailure } from './errors';

interface UserStep {
  tenantId: string;
  userId: string;
  syncEventId: string;
}

/**
 * The steps of a deprovisioning. Each is idempotent and writes its audit
 * event in the same transaction as its change, keyed by sync event, so a
 * retried step neither revokes twice nor records twice.
 */
export function createDeprovisionActivities(db: Db) {
  /** Tokens issued after the event that deactivated the user (a later reactivation) are left alone. */
  async function eventTime(syncEventId: string): Promise<Date> {
    const event = await db
      .selectFrom('sync_events')
      .select('created_at')
      .where('id', '=', syncEventId)
      .executeTakeFirst();
    if (event === undefined) {
      throw permanentFailure(NonRetryable.syncEventMissing, `sync event ${syncEventId} does not exist`);
    }

    return event.created_at;
  }

  return {
    async markAccountInactive({ tenantId, userId, syncEventId }: UserStep): Promise<{ inactive: boolean }> {
      return db.transaction().execute(async (trx) => {
        const user = await trx
          .selectFrom('users')
          .select(['active', 'deprovisioned_at'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (user === undefined) {
          throw permanentFailure(NonRetryable.userMissing, `user ${userId} does not exist in tenant ${tenantId}`);
        }
        // Reactivated since the event: the account stays active; its old tokens still go.
        if (user.active) return { inactive: false };

        if (user.deprovisioned_at === null) {
          await trx
            .updateTable('users')
            .set({ deprovisioned_at: sql`now()` })
            .where('id', '=', userId)
            .execute();
        }
        await recordAuditEvent(trx, systemActor, {
          tenantId,
          action: 'user.account_deactivated',
          targetType: 'User',
          targetId: userId,
          details: { sync_event_id: syncEventId },
          idempotencyKey: `${syncEventId}:account_deactivated`,
        });

        return { inactive: true };
      });
    },

    async revokeSessions({ tenantId, userId, syncEventId }: UserStep): Promise<{ revoked: number }> {
      const before = await eventTime(syncEventId);

      return db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('sessions')
          .set({ revoked_at: sql`now()` })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('created_at', '<=', before)
          .executeTakeFirst();
        const count = Number(revoked.numUpdatedRows);
        if (count > 0) {
          await recordAuditEvent(trx, systemActor, {
            tenantId,
            action: 'user.sessions_revoked',
            targetType: 'User',
            targetId: userId,
            details: { sync_event_id: syncEventId, count },
            idempotencyKey: `${syncEventId}:sessions_revoked`,
          });
        }

        return { revoked: count };
      });
    },

    async revokeAgentTokens({ tenantId, userId, syncEventId }: UserStep): Promise<{ revoked: number }> {
      const before = await eventTime(syncEventId);

      return db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('agent_tokens')
          .set({ revoked_at: sql`now()` })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('created_at', '<=', before)
          .executeTakeFirst();
        const count = Number(revoked.numUpdatedRows);
        if (count > 0) {
          await recordAuditEvent(trx, systemActor, {
            tenantId,
            action: 'user.agent_tokens_revoked',
            targetType: 'User',
            targetId: userId,
            details: { sync_event_id: syncEventId, count },
            idempotencyKey: `${syncEventId}:agent_tokens_revoked`,
          });
        }

        return { revoked: count };
      });
    },

    async recordDeprovisioned(
      input: UserStep & {
        reason: string;
        accountInactive: boolean;
        sessionsRevoked: number;
        agentTokensRevoked: number;
      },
    ): Promise<void> {
      await recordAuditEvent(db, systemActor, {
        tenantId: input.tenantId,
        action: 'user.deprovisioned',
        targetType: 'User',
        targetId: input.userId,
        details: {
          sync_event_id: input.syncEventId,
          reason: input.reason,
          account_inactive: input.accountInactive,
          sessions_revoked: input.sessionsRevoked,
          agent_tokens_revoked: input.agentTokensRevoked,
        },
        idempotencyKey: `${input.syncEventId}:deprovisioned`,
      });
    },
  };
}
