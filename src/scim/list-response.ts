export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** RFC 7644 §3.4.2: a ListResponse page found by startIndex. */
export function listResponse(
  resources: unknown[],
  totalResults: number,
  startIndex: number,
): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** Where a cursor-paged list goes on from this page; absent cursors mean there is no such page. */
export interface PageCursors {
  nextCursor?: string;
  previousCursor?: string;
}

/**
 * RFC 9865 §2: a ListResponse page found by cursor. It has no startIndex;
 * nextCursor is left out exactly when this is the last page.
 */
export function cursorListResponse(
  resources: unknown[],
  totalResults: number,
  cursors: PageCursors,
): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    ...(cursors.previousCursor === undefined ? {} : { previousCursor: cursors.previousCursor }),
    ...(cursors.nextCursor === undefined ? {} : { nextCursor: cursors.nextCursor }),
    Resources: resources,
  };
}
