import type { AttributeDefinition, SchemaDefinition } from './attribute';
import { findAttribute } from './attribute';
import type { ResourceType } from './resource-types';
import { invalidPath } from '../errors';

/** An attribute path resolved against a resource type's schemas. */
export interface ResolvedAttribute {
  /** The extension schema holding the attribute, or null for core and common attributes. */
  extension: SchemaDefinition | null;
  attribute: AttributeDefinition;
  subAttribute: AttributeDefinition | null;
  /** The canonical spelling, e.g. `emails.value` or `<enterprise URN>:manager.value`. */
  canonical: string;
}

/**
 * Splits `[URN ":"] attrName ["." subAttr]` (RFC 7644 §3.10) into its URN,
 * if any, and the dotted remainder. Schema URNs are matched
 * case-insensitively against the resource type's own schemas, so a URN
 * containing dots (`...:2.0:User`) is never mistaken for a sub-attribute.
 */
export function splitSchemaUrn(
  resourceType: ResourceType,
  path: string,
): { schema: SchemaDefinition | null; rest: string } {
  const lower = path.toLowerCase();
  for (const schema of [resourceType.schema, ...resourceType.extensions]) {
    const urn = schema.id.toLowerCase();
    if (lower === urn) return { schema, rest: '' };
    if (lower.startsWith(`${urn}:`)) return { schema, rest: path.slice(urn.length + 1) };
  }

  return { schema: null, rest: path };
}

/**
 * Resolves an attribute path, or returns undefined when the resource type
 * has no such attribute. Callers turn undefined into the error their context
 * calls for (`invalidFilter`, `invalidPath`, `noTarget`).
 */
export function resolveAttribute(
  resourceType: ResourceType,
  path: string,
): ResolvedAttribute | undefined {
  const { schema, rest } = splitSchemaUrn(resourceType, path);
  if (rest === '') return undefined;
  if (schema === null && rest.toLowerCase().startsWith('urn:')) return undefined;

  const [attributeName, subName, ...extra] = rest.split('.');
  if (extra.length > 0 || attributeName === undefined) return undefined;

  const isExtension = schema !== null && schema.id !== resourceType.schema.id;
  const candidates = isExtension
    ? schema.attributes
    : schema !== null
      ? resourceType.schema.attributes
      : [...resourceType.common, ...resourceType.schema.attributes];
  const attribute = findAttribute(candidates, attributeName);
  if (attribute === undefined) return undefined;

  let subAttribute: AttributeDefinition | null = null;
  if (subName !== undefined) {
    if (attribute.subAttributes === undefined) return undefined;
    subAttribute = findAttribute(attribute.subAttributes, subName) ?? null;
    if (subAttribute === null) return undefined;
  }

  const local = subAttribute === null ? attribute.name : `${attribute.name}.${subAttribute.name}`;
  const canonical = isExtension ? `${schema.id}:${local}` : local;

  return { extension: isExtension ? schema : null, attribute, subAttribute, canonical };
}

/** Like resolveAttribute, but throws `400 invalidPath` naming the path. */
export function resolveAttributeOrThrow(
  resourceType: ResourceType,
  path: string,
): ResolvedAttribute {
  const resolved = resolveAttribute(resourceType, path);
  if (resolved === undefined) {
    throw invalidPath(`"${path}" is not an attribute of the ${resourceType.name} resource.`);
  }

  return resolved;
}
