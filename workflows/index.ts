export { deprovisionUser } from './deprovision-user';
export type { DeprovisionUserInput, DeprovisionSummary } from './deprovision-user';
export { reevaluateRoles } from './reevaluate-roles';
export type { ReevaluateRolesInput } from './reevaluate-roles';
