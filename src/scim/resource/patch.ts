import type { ResourceType } from '../schemas/resource-types';
import type { MemberOperation } from './patch-members';
import type { PatchOperation } from './patch-request';
import type { PatchTarget } from './patch-target';
import type { ScimObject } from './scim-object';
import { ScimError, invalidValue, noTarget } from '../errors';
import { describeType } from './coerce-value';
import { cloneJson, isPlainObject, jsonEqual } from './json-value';
import { RESOURCE_LIMITS } from './limits';
import { normalizePatched } from './normalize';
import { applyToAttribute } from './patch-apply';
import { toMemberOperation } from './patch-members';
import { readPatchRequest } from './patch-request';
import { resolvePatchTarget } from './patch-target';

export type { MemberOperation } from './patch-members';
export { PATCH_OP_SCHEMA } from './patch-request';

export interface PatchResult {
  /** The new canonical resource (for a Group, without members). */
  resource: ScimObject;
  /** For a Group, every operation on `members`, in request order, for the caller to apply. */
  memberOperations: MemberOperation[];
  /**
   * Whether `resource` differs from `current`. Member operations are not
   * counted: only the caller, applying them, learns whether they changed anything.
   */
  changed: boolean;
}

/** The state one PATCH request builds up while its operations are applied. */
interface PatchState {
  resourceType: ResourceType;
  /** The resource's id, which an operation may repeat but not change. */
  id: string;
  resource: ScimObject;
  memberOperations: MemberOperation[];
  memberIds: number;
}

/**
 * Applies a PatchOp request (RFC 7644 §3.5.2) to `current`, the canonical
 * stored shape that normalizeResource returns (without id and meta; for a
 * Group, without members). `current` is never modified.
 *
 * The request is atomic: operations apply in order to a copy, and the
 * result is checked with the rules of normalizeResource (types, one primary
 * value, required attributes), so a PATCH cannot reach a state a PUT would
 * be refused. Any failure throws before anything is returned.
 *
 * Operations on a Group's `members` are returned as memberOperations
 * instead of being applied; see toMemberOperation for their meaning.
 *
 * @throws ScimError 400 whose detail starts with the failing operation,
 *   e.g. `Operations[2]: "nickName" must be a string, not a number.`:
 *   `invalidSyntax` for a malformed message, `invalidPath` for an unknown
 *   path, `invalidFilter` for a bad value filter, `mutability` for a
 *   read-only attribute (`meta`, `groups`, an `id` other than `id`), `noTarget` for a remove
 *   without path or an unmatched filter, `invalidValue` for a bad value.
 */
export function applyPatch(
  resourceType: ResourceType,
  id: string,
  current: ScimObject,
  body: unknown,
): PatchResult {
  const operations = readPatchRequest(body);
  const state: PatchState = {
    resourceType,
    id,
    resource: cloneJson(current),
    memberOperations: [],
    memberIds: 0,
  };

  for (const operation of operations) {
    try {
      applyOperation(state, operation);
    } catch (error) {
      throw error instanceof ScimError ? prefixed(operation.label, error) : error;
    }
  }
  const resource = normalizePatched(resourceType, state.resource);
  const before = withoutSchemas(normalizedView(resourceType, current));

  return {
    resource,
    memberOperations: state.memberOperations,
    changed: !jsonEqual(withoutSchemas(resource), before),
  };
}

function applyOperation(state: PatchState, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path !== undefined) {
    if (repeatsId(state, op, path, value)) return;
    applyToTarget(state, op, resolvePatchTarget(state.resourceType, path), value);
    return;
  }

  // RFC 7644 §3.5.2.2: remove must say what to remove.
  if (op === 'remove') throw noTarget('A remove operation needs a "path".');
  // RFC 7644 §3.5.2.1/3: without a path, value holds attributes to set, keyed by path.
  if (!isPlainObject(value)) {
    const found = describeType(value);
    throw invalidValue(`Without a "path", ${op} needs an object "value", not ${found}.`);
  }
  const named: NamedAttributes = { wholes: new Map(), parts: new Map(), partsOf: new Map() };
  for (const [key, item] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas' || repeatsId(state, op, key, item)) continue;
    const target = resolvePatchTarget(state.resourceType, key);
    assertNamedOnce(named, target, key);
    applyToTarget(state, op, target, item);
  }
}

interface NamedAttributes {
  /** Attributes named whole, by schema and name, with the key that named them. */
  wholes: Map<string, string>;
  /** Sub-attributes named (`name.givenName`). */
  parts: Map<string, string>;
  /** Attributes some sub-attribute of which was named. */
  partsOf: Map<string, string>;
}

/**
 * Keys of a path-less value are attribute paths, matched case-insensitively
 * and with or without their schema URN (RFC 7643 §2.1), so `active` and
 * `urn:…:User:active`, or `name` and `name.givenName`, can name one value
 * twice; applying both in key order would let the last silently win, as a
 * POST or PUT body never does.
 */
function assertNamedOnce(named: NamedAttributes, target: PatchTarget, key: string): void {
  if (target.kind !== 'attribute' || target.filter !== null) return;
  const attribute = `${target.extension?.id.toLowerCase() ?? ''}:${target.attribute.name.toLowerCase()}`;
  const clash = (earlier: string | undefined) => {
    if (earlier !== undefined) {
      throw invalidValue(`"${key}" and "${earlier}" name the same attribute; give it once.`);
    }
  };
  clash(named.wholes.get(attribute));
  if (target.subAttribute === null) {
    clash(named.partsOf.get(attribute));
    named.wholes.set(attribute, key);
    return;
  }
  const part = `${attribute}.${target.subAttribute.name.toLowerCase()}`;
  clash(named.parts.get(part));
  named.parts.set(part, key);
  if (!named.partsOf.has(attribute)) named.partsOf.set(attribute, key);
}

/**
 * Okta renames a group with a path-less replace whose value repeats the
 * group's `id`; setting `id` to what it already is changes nothing, so it is
 * skipped rather than refused as a read-only write. Any other id still is.
 */
function repeatsId(state: PatchState, op: PatchOperation['op'], path: string, value: unknown): boolean {
  return op !== 'remove' && path.toLowerCase() === 'id' && value === state.id;
}

function applyToTarget(
  state: PatchState,
  op: PatchOperation['op'],
  target: PatchTarget,
  value: unknown,
): void {
  switch (target.kind) {
    case 'ignored':
      return;
    case 'members':
      return addMemberOperation(state, toMemberOperation(op, target.filter, value, target.path));
    case 'attribute':
      return applyToAttribute(op, target, value, state.resource);
    case 'extension': {
      const urn = target.schema.id;
      if (op === 'remove' || (op === 'replace' && value === null)) {
        delete state.resource[urn];
        return;
      }
      if (value === null) return;
      if (!isPlainObject(value)) {
        throw invalidValue(`"${target.path}" must be an object, not ${describeType(value)}.`);
      }
      // Each attribute of the extension is set as if it had been named by its own path.
      for (const [key, item] of Object.entries(value)) {
        // Clients that serialise the extension as a resource echo its "schemas"; it names no attribute.
        if (key.toLowerCase() === 'schemas') continue;
        applyToTarget(state, op, resolvePatchTarget(state.resourceType, `${urn}:${key}`), item);
      }
    }
  }
}

function addMemberOperation(state: PatchState, operation: MemberOperation | null): void {
  if (operation === null) return;
  state.memberIds += 'ids' in operation ? operation.ids.length : 0;
  const limit = RESOURCE_LIMITS.maxMemberIds;
  if (state.memberIds > limit) {
    throw invalidValue(
      `The request names more than ${limit} members; send them in several requests.`,
    );
  }

  state.memberOperations.push(operation);
}

function prefixed(label: string, error: ScimError): ScimError {
  return new ScimError(error.status, error.scimType, `${label}: ${error.detail}`, error.headers);
}

/** `current` as normalization would keep it: without read-only attributes or members. */
function normalizedView(resourceType: ResourceType, current: ScimObject): ScimObject {
  const dropped = [...resourceType.common, ...resourceType.schema.attributes]
    .filter((attribute) => attribute.mutability === 'readOnly' || attribute.name === 'members')
    .map((attribute) => attribute.name);

  return Object.fromEntries(Object.entries(current).filter(([key]) => !dropped.includes(key)));
}

function withoutSchemas(resource: ScimObject): ScimObject {
  const { schemas: _schemas, ...rest } = resource;

  return rest;
}
