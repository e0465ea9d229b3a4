import type { AttributeDefinition } from '../schemas/attribute';
import type { ScimObject } from './scim-object';
import { invalidValue } from '../errors';
import { findAttribute } from '../schemas/attribute';
import { coerceSimple, describeType } from './coerce-value';
import { isPlainObject, jsonEqual } from './json-value';
import { RESOURCE_LIMITS } from './limits';

/**
 * Checks and canonicalises the value of one attribute (RFC 7643 §2.3–2.4).
 * Returns undefined when the value leaves the attribute unassigned: null, an
 * empty array or an empty complex value are all "no value" (RFC 7643 §2.5).
 *
 * @throws ScimError 400 `invalidValue` naming the offending path.
 */
export function coerceAttribute(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
): unknown {
  if (value === null || value === undefined) return undefined;
  if (attribute.multiValued) return coerceMultiValued(attribute, value, path);

  return coerceElement(attribute, value, path);
}

/**
 * A multi-valued attribute's values. A lone object (or scalar) is taken as a
 * one-element array because clients write `"emails": {...}` for a single
 * address; null elements and exact duplicates are dropped, and at most one
 * value may be `primary` (RFC 7643 §2.4).
 */
export function coerceMultiValued(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
): unknown[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  const limit = RESOURCE_LIMITS.maxAttributeValues;
  if (items.length > limit) {
    throw invalidValue(`"${path}" has ${items.length} values; at most ${limit} are allowed.`);
  }

  const values: unknown[] = [];
  items.forEach((item, index) => {
    if (item === null) return;
    const element = coerceElement(attribute, item, `${path}[${index}]`);
    if (element !== undefined && !values.some((existing) => jsonEqual(existing, element))) {
      values.push(element);
    }
  });
  assertSinglePrimary(values, path);

  return values.length === 0 ? undefined : values;
}

/** One value of an attribute: a complex object, or a simple value. */
export function coerceElement(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
): unknown {
  if (attribute.type === 'complex') return coerceComplex(attribute, value, path);

  return coerceSimple(attribute, value, path);
}

/**
 * A complex value: sub-attribute names canonicalised case-insensitively
 * (RFC 7643 §2.1), read-only sub-attributes ignored (RFC 7644 §3.3), unknown
 * ones refused, and the result in schema order.
 *
 * A single-valued complex attribute with a `value` sub-attribute also takes
 * a bare string as its `value`: Entra sends the enterprise `manager` as the
 * manager's id rather than `{"value": id}`.
 *
 * @param unset if given, receives the names of sub-attributes set to null,
 *   so that PATCH can clear them.
 */
export function coerceComplex(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
  unset?: string[],
): ScimObject | undefined {
  const subAttributes = attribute.subAttributes ?? [];
  const bareValue = findAttribute(subAttributes, 'value');
  if (typeof value === 'string' && !attribute.multiValued && bareValue !== undefined) {
    return { [bareValue.name]: coerceSimple(bareValue, value, `${path}.${bareValue.name}`) };
  }
  if (!isPlainObject(value)) {
    throw invalidValue(`"${path}" must be an object, not ${describeType(value)}.`);
  }

  const assigned = new Map<string, unknown>();
  const seen = new Set<string>();
  for (const [key, raw] of Object.entries(value)) {
    const subAttribute = findAttribute(subAttributes, key);
    if (subAttribute === undefined) {
      throw invalidValue(`"${path}.${key}" is not a sub-attribute of "${attribute.name}".`);
    }
    if (seen.has(subAttribute.name)) {
      throw invalidValue(`"${path}.${subAttribute.name}" is given more than once.`);
    }
    seen.add(subAttribute.name);
    if (subAttribute.mutability === 'readOnly') continue;
    if (raw === null) {
      unset?.push(subAttribute.name);
      continue;
    }

    const subPath = `${path}.${subAttribute.name}`;
    assigned.set(subAttribute.name, coerceAttribute(subAttribute, raw, subPath));
  }

  return inSchemaOrder(subAttributes, assigned);
}

/**
 * At most one value of a multi-valued attribute may say `"primary": true`
 * (RFC 7643 §2.4).
 */
export function assertSinglePrimary(values: readonly unknown[], path: string): void {
  const primaries = values.filter((value) => isPlainObject(value) && value.primary === true);
  if (primaries.length > 1) {
    throw invalidValue(
      `"${path}" has ${primaries.length} values with "primary": true; at most one may be primary.`,
    );
  }
}

/**
 * Builds an object from assigned values in the order the schema lists the
 * attributes, so equal resources serialise to equal JSON. Returns undefined
 * when nothing is assigned.
 */
export function inSchemaOrder(
  attributes: readonly AttributeDefinition[],
  assigned: ReadonlyMap<string, unknown>,
): ScimObject | undefined {
  const result: ScimObject = {};
  for (const attribute of attributes) {
    const value = assigned.get(attribute.name);
    if (value !== undefined) result[attribute.name] = value;
  }

  return Object.keys(result).length === 0 ? undefined : result;
}
