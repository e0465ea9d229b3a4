import { invalidPath, invalidSyntax, invalidValue } from '../errors';
import { describeType } from './coerce-value';
import { assertJsonBounds } from './json-guard';
import { isPlainObject, readKey } from './json-value';
import { RESOURCE_LIMITS } from './limits';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type PatchOpName = 'add' | 'remove' | 'replace';

/** One entry of `Operations`, checked for shape but not yet resolved. */
export interface PatchOperation {
  op: PatchOpName;
  /** undefined when the operation has no path (or an empty one). */
  path: string | undefined;
  /** undefined when the operation has no `value` key; null when it is JSON null. */
  value: unknown;
  /** `Operations[n]`, for error details. */
  label: string;
}

const OP_NAMES: readonly PatchOpName[] = ['add', 'remove', 'replace'];

/**
 * Reads a PatchOp request body (RFC 7644 §3.5.2): `schemas` naming the
 * PatchOp message and a non-empty `Operations` array. Key names and `op`
 * values are matched case-insensitively, since Entra sends "Replace", "Add"
 * and "Remove" and Microsoft asks providers to accept them.
 *
 * @throws ScimError 400 `invalidSyntax` for a malformed message,
 *   `invalidValue` for one over the limits or missing a required `value`,
 *   `invalidPath` for a non-string path.
 */
export function readPatchRequest(body: unknown): PatchOperation[] {
  assertJsonBounds(body);
  if (!isPlainObject(body)) {
    throw invalidSyntax('The PATCH body must be a JSON object (RFC 7644 §3.5.2).');
  }

  const schemas = readKey(body, 'schemas', 'The PATCH body');
  const declared = Array.isArray(schemas) ? schemas : [];
  const wanted = PATCH_OP_SCHEMA.toLowerCase();
  if (!declared.some((schema) => typeof schema === 'string' && schema.toLowerCase() === wanted)) {
    throw invalidSyntax(`The PATCH body's "schemas" must include "${PATCH_OP_SCHEMA}".`);
  }

  const operations = readKey(body, 'Operations', 'The PATCH body');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax('The PATCH body needs a non-empty "Operations" array.');
  }
  const limit = RESOURCE_LIMITS.maxOperations;
  if (operations.length > limit) {
    throw invalidValue(
      `The PATCH body has ${operations.length} operations; at most ${limit} are allowed.`,
    );
  }

  return operations.map((operation, index) => readOperation(operation, `Operations[${index}]`));
}

function readOperation(operation: unknown, label: string): PatchOperation {
  if (!isPlainObject(operation)) {
    throw invalidSyntax(`${label} must be an object with "op", "path" and "value".`);
  }

  const op = readKey(operation, 'op', label);
  const name = typeof op === 'string' ? op.toLowerCase() : '';
  if (!OP_NAMES.includes(name as PatchOpName)) {
    const found = typeof op === 'string' ? `"${op}"` : describeType(op ?? null);
    throw invalidSyntax(`${label}.op must be "add", "remove" or "replace", not ${found}.`);
  }

  const path = readKey(operation, 'path', label);
  if (path !== undefined && path !== null && typeof path !== 'string') {
    throw invalidPath(`${label}.path must be a string, not ${describeType(path)}.`);
  }

  const value = readKey(operation, 'value', label);
  if (name !== 'remove' && value === undefined) {
    throw invalidValue(`${label} (${name}) needs a "value".`);
  }

  return {
    op: name as PatchOpName,
    path: typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined,
    value,
    label,
  };
}
