import type { FilterNode } from '../filter/ast';
import type { Matcher } from '../filter/evaluate';
import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute';
import type { ResourceType } from '../schemas/resource-types';
import { invalidPath, mutability } from '../errors';
import { compileMatcher } from '../filter/evaluate';
import { parsePatchPath } from '../filter/parser';
import { findAttribute } from '../schemas/attribute';
import { resolveAttribute, splitSchemaUrn } from '../schemas/resolve';
import { isMembersAttribute } from './group-members';

/** An attribute (or part of one) that a PATCH operation acts on. */
export interface AttributeTarget {
  kind: 'attribute';
  extension: SchemaDefinition | null;
  attribute: AttributeDefinition;
  /** From `name.givenName` or from `emails[...].value`. */
  subAttribute: AttributeDefinition | null;
  filter: FilterNode | null;
  /** `filter` checked against the attribute's sub-attributes, ready to test each value. */
  matcher: Matcher | null;
  /** The path as the client wrote it, for error details. */
  path: string;
}

export type PatchTarget =
  | AttributeTarget
  /** A whole extension, e.g. path `urn:...:enterprise:2.0:User`. */
  | { kind: 'extension'; schema: SchemaDefinition; path: string }
  /** Group membership, which the caller applies in SQL. */
  | { kind: 'members'; filter: FilterNode | null; path: string }
  /** An attribute of an extension schema this service does not have. */
  | { kind: 'ignored'; path: string };

/**
 * Resolves a PATCH `path` (RFC 7644 §3.5.2), or a key of a path-less
 * operation's `value` (Entra writes `name.givenName` and URN-qualified keys
 * there), against the resource type's schemas.
 *
 * Paths under a `urn:` schema this resource type does not have resolve to
 * "ignored", for the reason normalizeResource ignores such keys. (`password`
 * resolves like any attribute; normalizePatched checks it and drops it.)
 *
 * @throws ScimError 400 `invalidPath` for a malformed or unknown path,
 *   `invalidFilter` for a value filter that does not fit the attribute,
 *   `mutability` for a read-only attribute.
 */
export function resolvePatchTarget(resourceType: ResourceType, path: string): PatchTarget {
  const extension = resourceType.extensions.find(
    (schema) => schema.id.toLowerCase() === path.toLowerCase(),
  );
  if (extension !== undefined) return { kind: 'extension', schema: extension, path };

  const parsed = parsePatchPath(path);
  const resolved = resolveAttribute(resourceType, parsed.attributePath);
  if (resolved === undefined) {
    const foreign =
      parsed.attributePath.toLowerCase().startsWith('urn:') &&
      splitSchemaUrn(resourceType, parsed.attributePath).schema === null;
    if (foreign) return { kind: 'ignored', path };

    throw invalidPath(`"${path}" is not an attribute of the ${resourceType.name} resource.`);
  }

  const { attribute } = resolved;
  const filter = parsed.valueFilter;
  if (filter !== null && resolved.subAttribute !== null) {
    throw invalidPath(`"${path}": a value filter must directly follow a multi-valued attribute.`);
  }
  if (filter !== null && !attribute.multiValued) {
    throw invalidPath(`"${path}": "${attribute.name}" is not multi-valued, so it takes no filter.`);
  }
  const subAttribute = resolved.subAttribute ?? afterFilter(attribute, parsed.subAttribute, path);
  assertWritable(attribute, subAttribute, path);
  // Compiled up front so a bad filter is refused even when there are no values to test.
  const matcher = filter === null ? null : compileMatcher(filter, attribute.subAttributes ?? []);

  if (isMembersAttribute(resourceType, attribute)) {
    if (subAttribute !== null) {
      throw invalidPath(
        `"${path}": members are added, replaced or removed whole, not by sub-attribute.`,
      );
    }

    return { kind: 'members', filter, path };
  }

  return {
    kind: 'attribute',
    extension: resolved.extension,
    attribute,
    subAttribute,
    filter,
    matcher,
    path,
  };
}

function afterFilter(
  attribute: AttributeDefinition,
  name: string | null,
  path: string,
): AttributeDefinition | null {
  if (name === null) return null;
  const subAttribute = findAttribute(attribute.subAttributes ?? [], name);
  if (subAttribute === undefined) {
    throw invalidPath(`"${path}": "${name}" is not a sub-attribute of "${attribute.name}".`);
  }

  return subAttribute;
}

/** RFC 7644 §3.5.2: changing a read-only attribute is a `mutability` error. */
function assertWritable(
  attribute: AttributeDefinition,
  subAttribute: AttributeDefinition | null,
  path: string,
): void {
  if (attribute.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly') {
    throw mutability(`"${path}" is read-only and cannot be changed by PATCH.`);
  }
}
