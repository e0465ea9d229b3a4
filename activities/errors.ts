import { ApplicationFailure } from '@temporalio/activity';

/** Failure types that no retry can fix; workflows see them by these stable names. */
export const NonRetryable = {
  syncEventMissing: 'SyncEventMissing',
  userMissing: 'UserMissing',
} as const;

export function permanentFailure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
