/** A SCIM resource or complex value as plain JSON: attribute name to value. */
export type ScimObject = Record<string, unknown>;
