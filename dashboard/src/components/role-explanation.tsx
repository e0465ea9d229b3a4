import { tenantPath } from '../api/client';
import type { ExplainedUser, RoleExplanation } from '../api/types';
import { useDashboard } from '../dashboard-context';
import { useLoad } from '../use-load';
import { ROLE_LABELS } from './badges';
import { ErrorNotice } from './error-notice';

function sentence(explanation: RoleExplanation): string {
  const role = explanation.role === null ? null : ROLE_LABELS[explanation.role];
  if (explanation.granted_by === 'mapped_groups') {
    const groups = explanation.groups
      .map((group) => `${group.displayName} (${ROLE_LABELS[group.role]})`)
      .join(', ');
    const plural = explanation.groups.length === 1 ? 'group' : 'groups';

    return `${role}, from the mapped ${plural} ${groups}. The highest role wins.`;
  }
  if (explanation.granted_by === 'default_role') {
    return `${role}: the tenant's default role, since the user is in no mapped group.`;
  }
  if (explanation.none_reason === 'deleted')
    return 'No role: the identity provider deleted the account.';
  if (explanation.none_reason === 'inactive') return 'No role: the account is deactivated.';

  return 'No role: the user is in no mapped group and the tenant has no default role.';
}

/** Why a user has its role, as the API explains it (GET users/{id}). */
export function RoleExplanationText({ userId, tenantId }: { userId: string; tenantId: string }) {
  const { api } = useDashboard();
  const user = useLoad(
    () => api.get<ExplainedUser>(tenantPath(tenantId, `/users/${encodeURIComponent(userId)}`)),
    [api, tenantId, userId],
  );

  if (user.error !== undefined) {
    return <ErrorNotice error={user.error} action="explain this role" onRetry={user.reload} />;
  }
  if (user.data === undefined) return <p aria-busy="true">Loading…</p>;
  const explanation = user.data.role_explanation;
  const stored = user.data.role === null ? 'no role' : ROLE_LABELS[user.data.role];
  const next = explanation.role === null ? 'no role' : ROLE_LABELS[explanation.role];

  return (
    <div className="explanation">
      <p>{sentence(explanation)}</p>
      {explanation.reevaluation_pending && (
        <p className="field-hint">
          A re-evaluation is on its way: the role in effect is {stored}, and it becomes {next} when
          it runs.
        </p>
      )}
    </div>
  );
}
