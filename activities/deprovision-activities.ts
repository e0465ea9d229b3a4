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

  /**
   * Revokes the user's live credentials of one kind issued up to the event,
   * recording `user.<step>` once, in the same transaction, when any went.
   */
  async function revokeIssuedBefore(
    { tenantId, userId, syncEventId }: UserStep,
    table: 'sessions' | 'agent_tokens',
    step: 'sessions_revoked' | 'agent_tokens_revoked',
  ): Promise<{ revoked: number }> {
    const before = await eventTime(syncEventId);

    return db.transaction().execute(async (trx) => {
      const revoked = await trx
        .updateTable(table)
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
          action: `user.${step}`,
          targetType: 'User',
          targetId: userId,
          details: { sync_event_id: syncEventId, count },
          idempotencyKey: `${syncEventId}:${step}`,
        });
      }

      return { revoked: count };
    });
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

    async revokeSessions(step: UserStep): Promise<{ revoked: number }> {
      return revokeIssuedBefore(step, 'sessions', 'sessions_revoked');
    },

    async revokeAgentTokens(step: UserStep): Promise<{ revoked: number }> {
      return revokeIssuedBefore(step, 'agent_tokens', 'agent_tokens_revoked');
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
