import { ApplicationFailure } from '@temporalio/activity';

/** Failure types that no retry can fix; workflows see them by these stable names. */
export const NonRetryable = {
  syncEventMissing: 'SyncEventMissing',
  userMissing: 'UserMissing',
  /** The tenant's SCIM connection is disabled: the directory no longer decides roles. */
  tenantDisabled: 'TenantDisabled',
} as const;

/**
 * A failure no retry can fix: the workflow sees it at once, by its stable
 * `type`, instead of after the retry policy's attempts.
 */
export function permanentFailure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
