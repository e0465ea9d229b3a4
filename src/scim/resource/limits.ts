/**
 * Bounds on what one SCIM request body may hold. RFC 7644 sets none; these
 * keep a hostile or broken client from pinning the CPU or the heap, and are
 * far above what the identity providers really send (the largest real shape
 * is a group push of a few thousand members).
 */
export const RESOURCE_LIMITS = Object.freeze({
  /** Nesting of JSON objects and arrays; a SCIM PATCH body needs about 7. */
  maxDepth: 32,
  /** JSON values in one body, counted while walking it. */
  maxNodes: 1_000_000,
  /** Elements of any one JSON array (a PUT of a large group is the biggest). */
  maxArrayLength: 100_000,
  /** Keys of any one JSON object. */
  maxObjectKeys: 1_000,
  /** Values of one multi-valued attribute other than `members` (emails, roles, ...). */
  maxAttributeValues: 1_000,
  /** Characters of one string value. */
  maxStringLength: 65_536,
  /** Entries of a PatchOp's `Operations`. */
  maxOperations: 10_000,
  /** Member ids named by one request, over all its operations. */
  maxMemberIds: 100_000,
});
