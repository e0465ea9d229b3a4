import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/**
 * Custom search attributes operators query in the Temporal UI. They carry ids
 * only, never personal data. scripts/lib.sh and docker-compose.yml register them.
 */
export const searchAttributeKeys = {
  tenantId: defineSearchAttributeKey('BulwarkTenantId', SearchAttributeType.KEYWORD),
  resourceId: defineSearchAttributeKey('BulwarkResourceId', SearchAttributeType.KEYWORD),
  kind: defineSearchAttributeKey('BulwarkSyncKind', SearchAttributeType.KEYWORD),
  syncEventId: defineSearchAttributeKey('BulwarkSyncEventId', SearchAttributeType.KEYWORD),
};
