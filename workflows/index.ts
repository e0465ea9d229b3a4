export { deprovisionUser } from './deprovision-user';
export type { DeprovisionUserInput, DeprovisionSummary } from './deprovision-user';
