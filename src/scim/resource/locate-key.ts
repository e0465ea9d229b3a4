import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute';
import type { ResourceType } from '../schemas/resource-types';
import { invalidValue } from '../errors';
import { findAttribute } from '../schemas/attribute';
import { resolveAttribute, splitSchemaUrn } from '../schemas/resolve';

export type LocatedKey =
  | { kind: 'ignored' }
  | { kind: 'extension'; schema: SchemaDefinition }
  | { kind: 'attribute'; extension: SchemaDefinition | null; attribute: AttributeDefinition };

/**
 * Finds what a top-level key of a resource body names: `schemas`, an
 * extension URN holding an object, a core or common attribute, or an
 * attribute qualified by its schema URN (RFC 7644 §3.10), all matched
 * case-insensitively.
 *
 * Keys under a `urn:` schema that is not one of this resource type's, and
 * keys under a non-URN schema URI the client declared in `schemas`, are
 * ignored: IdPs send tenant-specific extensions (Entra's custom attribute
 * mappings, its ADSCIM group schema) that this service does not keep, and
 * refusing them would stop all provisioning for that tenant.
 *
 * @throws ScimError 400 `invalidValue` for any other key.
 */
export function locateKey(
  resourceType: ResourceType,
  key: string,
  foreignSchemas: readonly string[],
): LocatedKey {
  const lower = key.toLowerCase();
  if (lower === 'schemas') return { kind: 'ignored' };
  const extension = resourceType.extensions.find((schema) => schema.id.toLowerCase() === lower);
  if (extension !== undefined) return { kind: 'extension', schema: extension };

  if (lower.startsWith('urn:')) {
    const resolved = resolveAttribute(resourceType, key);
    if (resolved !== undefined && resolved.subAttribute === null) {
      return { kind: 'attribute', extension: resolved.extension, attribute: resolved.attribute };
    }
    if (splitSchemaUrn(resourceType, key).schema === null) return { kind: 'ignored' };

    throw unknownAttribute(resourceType, key);
  }

  const attribute = findAttribute([...resourceType.common, ...resourceType.schema.attributes], key);
  if (attribute !== undefined) return { kind: 'attribute', extension: null, attribute };
  if (foreignSchemas.some((uri) => lower === uri || lower.startsWith(`${uri}:`))) {
    return { kind: 'ignored' };
  }

  throw unknownAttribute(resourceType, key);
}

function unknownAttribute(resourceType: ResourceType, key: string): Error {
  return invalidValue(`"${key}" is not an attribute of the ${resourceType.name} resource.`);
}
