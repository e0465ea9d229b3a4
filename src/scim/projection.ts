import type { AttributeDefinition } from './schemas/attribute';
import { findAttribute } from './schemas/attribute';
import type { ResourceType } from './schemas/resource-types';
import { resolveAttribute, splitSchemaUrn } from './schemas/resolve';
import { invalidValue } from './errors';

/**
 * RFC 7644 §3.4.2.5 and §3.9: the attributes a response carries. Paths are
 * canonical (`emails.value`, `<enterprise URN>:manager.value`); a schema URN
 * on its own stands for every attribute of that schema, so
 * `attributes=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`
 * returns the whole extension. What the schemas mark `returned: always`
 * (`id`) is in every answer, `returned: never` (`password`) in none, and
 * `returned: request` only when named.
 */
export interface Projection {
  resourceType: ResourceType;
  /** Named by `attributes`; null when the client asked for the default set. */
  attributes: string[] | null;
  /** Named by `excludedAttributes`. */
  excluded: string[];
}

type Source = Record<string, unknown>;

/** The default set: every attribute whose schema says `returned: default` or `always`. */
export function defaultProjection(resourceType: ResourceType): Projection {
  return { resourceType, attributes: null, excluded: [] };
}

/**
 * Reads `attributes` and `excludedAttributes` from a query string
 * (comma-separated, possibly repeated) or a SearchRequest body (arrays of
 * strings, RFC 7644 §3.4.3).
 *
 * @throws ScimError 400 `invalidValue` naming a path that is not an attribute
 *   or schema of the resource type, or a value that is not text.
 */
export function readProjection(resourceType: ResourceType, source: Source): Projection {
  const [projection] = readProjections([resourceType], source);

  return projection as Projection;
}

/**
 * readProjection for a query over several resource types at once (POST
 * /.search at the root, RFC 7644 §3.4.3): a path need only name an attribute
 * of one of them, and is left out of the others' projections.
 */
export function readProjections(resourceTypes: ResourceType[], source: Source): Projection[] {
  const attributes = readNames('attributes', source.attributes);
  const excluded = readNames('excludedAttributes', source.excludedAttributes) ?? [];
  for (const [parameter, names] of [
    ['attributes', attributes ?? []],
    ['excludedAttributes', excluded],
  ] as const) {
    for (const name of names) {
      if (resourceTypes.every((type) => canonicalPath(type, name) === undefined)) {
        const where = resourceTypes.map((type) => type.name).join(' or ');
        throw invalidValue(
          `"${parameter}" names "${name}", which is not an attribute of ${where}.`,
        );
      }
    }
  }

  return resourceTypes.map((resourceType) => ({
    resourceType,
    attributes: attributes === null ? null : resolveNames(resourceType, attributes),
    excluded: resolveNames(resourceType, excluded),
  }));
}

function readNames(parameter: string, raw: unknown): string[] | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const parts = Array.isArray(raw) ? raw : [raw];
  if (!parts.every((part) => typeof part === 'string')) {
    throw invalidValue(
      `"${parameter}" must be a comma-separated list or an array of attribute names.`,
    );
  }

  return (parts as string[])
    .flatMap((part) => part.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function resolveNames(resourceType: ResourceType, names: string[]): string[] {
  return names.flatMap((name) => canonicalPath(resourceType, name) ?? []);
}

/** An attribute path in canonical spelling, or the schema URN when the name is a whole schema. */
function canonicalPath(resourceType: ResourceType, name: string): string | undefined {
  const { schema, rest } = splitSchemaUrn(resourceType, name);
  if (schema !== null && rest === '') return schema.id;

  return resolveAttribute(resourceType, name)?.canonical;
}

/**
 * Whether a top-level core attribute is in the answer, so that callers can
 * skip loading it: `excludedAttributes=groups` never reads memberships.
 */
export function wantsAttribute(projection: Projection, name: string): boolean {
  const { resourceType } = projection;
  const definition = findAttribute(
    [...resourceType.common, ...resourceType.schema.attributes],
    name,
  );

  return selection(projection, name, resourceType.schema.id, definition) !== 'none';
}

/** Applies a projection to a full representation. */
export function project(
  resource: Record<string, unknown>,
  projection: Projection,
): Record<string, unknown> {
  const { resourceType } = projection;
  if (
    projection.attributes === null &&
    projection.excluded.length === 0 &&
    !hasHiddenAttributes(resourceType)
  ) {
    return resource;
  }

  const coreUrn = resourceType.schema.id;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas') {
      result[key] = value;
      continue;
    }
    const extension = resourceType.extensions.find((candidate) => candidate.id === key);
    if (extension !== undefined) {
      const inner = projectExtension(extension.id, extension.attributes, value, projection);
      if (inner !== undefined) result[key] = inner;
      continue;
    }
    const definition = findAttribute(
      [...resourceType.common, ...resourceType.schema.attributes],
      key,
    );
    const picked = pick(key, coreUrn, definition, value, projection);
    if (picked !== undefined) result[key] = picked;
  }
  // Extensions left out of the answer are left out of "schemas" too (RFC 7643 §3).
  if (Array.isArray(result.schemas)) {
    result.schemas = result.schemas.filter(
      (urn) => urn === coreUrn || result[urn as string] !== undefined,
    );
  }

  return result;
}

function projectExtension(
  urn: string,
  attributes: AttributeDefinition[],
  value: unknown,
  projection: Projection,
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;

  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const picked = pick(`${urn}:${key}`, urn, findAttribute(attributes, key), inner, projection);
    if (picked !== undefined) result[key] = picked;
  }

  return Object.keys(result).length === 0 ? undefined : result;
}

type Selection = 'whole' | 'none' | { subAttributes: string[] };

/**
 * How much of the attribute at `path` (of the schema `urn`) the answer
 * carries, by the rules of RFC 7643 §7 `returned` and RFC 7644 §3.4.2.5.
 */
function selection(
  projection: Projection,
  path: string,
  urn: string,
  definition: AttributeDefinition | undefined,
): Selection {
  const returned = definition?.returned ?? 'default';
  if (returned === 'never') return 'none';
  if (returned === 'always') return 'whole';
  if (projection.excluded.includes(path) || projection.excluded.includes(urn)) return 'none';

  const { attributes } = projection;
  if (attributes === null) return returned === 'request' ? 'none' : 'whole';
  if (attributes.includes(path) || attributes.includes(urn)) return 'whole';
  const subAttributes = attributes
    .filter((wanted) => wanted.startsWith(`${path}.`))
    .map((wanted) => wanted.slice(path.length + 1));

  return subAttributes.length === 0 ? 'none' : { subAttributes };
}

function pick(
  path: string,
  urn: string,
  definition: AttributeDefinition | undefined,
  value: unknown,
  projection: Projection,
): unknown {
  const selected = selection(projection, path, urn, definition);
  if (selected === 'none') return undefined;

  const excludedSubAttributes = projection.excluded
    .filter((excluded) => excluded.startsWith(`${path}.`))
    .map((excluded) => excluded.slice(path.length + 1));
  const keep = (key: string) =>
    !excludedSubAttributes.includes(key) &&
    (selected === 'whole' || selected.subAttributes.includes(key));
  if (selected === 'whole' && excludedSubAttributes.length === 0) return value;
  if (typeof value !== 'object' || value === null) return selected === 'whole' ? value : undefined;

  const narrow = (item: unknown) =>
    typeof item === 'object' && item !== null
      ? Object.fromEntries(Object.entries(item).filter(([key]) => keep(key)))
      : item;
  const isEmpty = (item: unknown) =>
    typeof item === 'object' && item !== null && Object.keys(item).length === 0;
  if (Array.isArray(value)) {
    const items = value.map(narrow).filter((item) => !isEmpty(item));

    return items.length === 0 ? undefined : items;
  }
  const narrowed = narrow(value);

  return isEmpty(narrowed) ? undefined : narrowed;
}

/** Resource types with attributes that the default set leaves out must always be projected. */
function hasHiddenAttributes(resourceType: ResourceType): boolean {
  return [resourceType.schema, ...resourceType.extensions].some((schema) =>
    schema.attributes.some(
      (attribute) => attribute.returned === 'never' || attribute.returned === 'request',
    ),
  );
}
