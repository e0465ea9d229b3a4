import type { CheckedValue } from './comparison';
import type { CompareOperator, FilterNode } from './ast';
import type { ErrorFactory } from './lexer';
import type { AttributeDefinition } from '../schemas/attribute';
import {
  checkComparison,
  complexComparisonDetail,
  impliedValueSubAttribute,
  isPresentValue,
  nullComparisonDetail,
  parseDateTime,
  unfilterableDetail,
} from './comparison';
import { excerpt } from './lexer';
import { findAttribute } from '../schemas/attribute';
import { invalidFilter } from '../errors';

/**
 * In-memory evaluation of a filter (RFC 7644 §3.4.2.2) against one JSON
 * object, for the PATCH engine's value filters (RFC 7644 §3.5.2), e.g.
 * `members[value eq "2819c223"]` tested against each member.
 *
 * The semantics are those of to-sql.ts, so a filter selects the same values
 * whether the database or this module applies it:
 * - attribute names match case-insensitively, in the filter and in the object;
 * - strings compare case-insensitively unless the attribute is caseExact;
 *   gt/ge/lt/le order strings by Unicode code point;
 * - `ne` is exactly `not eq`, so it matches an absent value;
 * - on a multi-valued attribute a comparison matches if any value matches,
 *   and `ne` also matches when there are no values;
 * - `eq null` means `not pr` and `ne null` means `pr`.
 */
export type Matcher = (element: Record<string, unknown>) => boolean;

/**
 * Tests `element` against `node`, whose paths name members of `attributes`
 * (for a value filter, the multi-valued attribute's sub-attributes).
 *
 * @throws ScimError 400 `invalidFilter` for an unknown attribute or an
 *   operator or value that does not suit the attribute's type, whether or
 *   not `element` holds that attribute.
 */
export function matchesFilter(
  node: FilterNode,
  element: Record<string, unknown>,
  attributes: readonly AttributeDefinition[],
): boolean {
  return compileMatcher(node, attributes)(element);
}

/**
 * Checks `node` against `attributes` once and returns a predicate to apply
 * to many elements. Errors surface here, before any element is seen, so a
 * bad filter fails even when the attribute has no values (a PATCH engine
 * can call this up front and map the error to `invalidPath` if it prefers).
 */
export function compileMatcher(
  node: FilterNode,
  attributes: readonly AttributeDefinition[],
  fail: ErrorFactory = invalidFilter,
): Matcher {
  switch (node.kind) {
    case 'and': {
      const left = compileMatcher(node.left, attributes, fail);
      const right = compileMatcher(node.right, attributes, fail);

      return (element) => left(element) && right(element);
    }
    case 'or': {
      const left = compileMatcher(node.left, attributes, fail);
      const right = compileMatcher(node.right, attributes, fail);

      return (element) => left(element) || right(element);
    }
    case 'not': {
      const operand = compileMatcher(node.operand, attributes, fail);

      return (element) => !operand(element);
    }
    case 'present':
      return presentMatcher(locate(node.path, attributes, fail));
    case 'compare':
      return compareMatcher(node.path, node.op, node.value, attributes, fail);
    case 'valuePath':
      return valuePathMatcher(node.path, node.filter, attributes, fail);
  }
}

/** Where a path leads inside an object: an attribute and, optionally, one of its sub-attributes. */
interface Location {
  name: string;
  attribute: AttributeDefinition;
  subAttribute: AttributeDefinition | null;
}

function locate(
  path: string,
  attributes: readonly AttributeDefinition[],
  fail: ErrorFactory,
): Location {
  const [attributeName = '', subName, ...extra] = path.split('.');
  const attribute = path.includes(':') ? undefined : findAttribute(attributes, attributeName);
  if (attribute === undefined || extra.length > 0) {
    const known = attributes.map((candidate) => candidate.name).join(', ');
    throw fail(
      `Unknown attribute "${excerpt(path)}" in the filter; the attributes here are: ${known}.`,
    );
  }

  let subAttribute: AttributeDefinition | null = null;
  if (subName !== undefined) {
    subAttribute = findAttribute(attribute.subAttributes ?? [], subName) ?? null;
    if (subAttribute === null) {
      throw fail(
        `Unknown attribute "${excerpt(path)}" in the filter; "${attribute.name}" has no ` +
          `sub-attribute "${excerpt(subName)}".`,
      );
    }
  }
  const name = subAttribute === null ? attribute.name : `${attribute.name}.${subAttribute.name}`;
  if (attribute.returned === 'never' || subAttribute?.returned === 'never') {
    throw fail(unfilterableDetail(name));
  }

  return { name, attribute, subAttribute };
}

/** The values a location holds in `element`: one, or each value of a multi-valued attribute. */
function valuesAt(element: Record<string, unknown>, location: Location): unknown[] {
  const raw = getCaseInsensitive(element, location.attribute.name);
  const containers = location.attribute.multiValued ? (Array.isArray(raw) ? raw : []) : [raw];
  if (location.subAttribute === null) return containers;

  const subName = location.subAttribute.name;

  return containers.map((container) =>
    isObject(container) ? getCaseInsensitive(container, subName) : undefined,
  );
}

function presentMatcher(location: Location): Matcher {
  if (location.attribute.multiValued && location.subAttribute === null) {
    return (element) => valuesAt(element, location).length > 0;
  }

  return (element) => valuesAt(element, location).some(isPresentValue);
}

function compareMatcher(
  path: string,
  op: CompareOperator,
  value: string | number | boolean | null,
  attributes: readonly AttributeDefinition[],
  fail: ErrorFactory,
): Matcher {
  let location = locate(path, attributes, fail);
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') throw fail(nullComparisonDetail(location.name, op));
    const present = presentMatcher(location);

    return op === 'ne' ? present : (element) => !present(element);
  }

  if (location.subAttribute === null && location.attribute.type === 'complex') {
    if (!location.attribute.multiValued) {
      throw fail(complexComparisonDetail(location.name, location.attribute));
    }
    const subAttribute = impliedValueSubAttribute(location.name, location.attribute, fail);
    location = { ...location, name: `${location.name}.${subAttribute.name}`, subAttribute };
  }
  const target = location.subAttribute ?? location.attribute;
  const checked = checkComparison(location.name, target, op, value, fail);
  const single = (candidate: unknown) => compareOne(candidate, op, checked);
  const matchesAbsent = single(undefined);
  const resolved = location;

  return (element) => {
    const values = valuesAt(element, resolved);
    if (values.length === 0) return matchesAbsent;

    return values.some(single);
  };
}

function valuePathMatcher(
  path: string,
  filter: FilterNode,
  attributes: readonly AttributeDefinition[],
  fail: ErrorFactory,
): Matcher {
  const location = locate(path, attributes, fail);
  const { attribute } = location;
  if (location.subAttribute !== null || attribute.type !== 'complex') {
    throw fail(
      `"${location.name}[...]" is not allowed: a value filter in brackets applies to a complex ` +
        `attribute such as emails, not to "${location.name}".`,
    );
  }
  const inner = compileMatcher(filter, attribute.subAttributes ?? [], fail);

  return (element) => valuesAt(element, location).some((value) => isObject(value) && inner(value));
}

/** One value against one comparison; `ne` is the exact complement of `eq`. */
function compareOne(candidate: unknown, op: CompareOperator, checked: CheckedValue): boolean {
  if (op === 'ne') return !compareOne(candidate, 'eq', checked);
  if (op === 'co' || op === 'sw' || op === 'ew') return substringMatches(candidate, op, checked);

  const order = orderOf(candidate, checked);
  if (order === null) return false;
  switch (op) {
    case 'eq':
      return order === 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

/**
 * Compares a stored value with the filter value: negative, zero or positive,
 * or null when the stored value is absent or of another type, which no
 * operator but `ne` matches.
 */
function orderOf(candidate: unknown, checked: CheckedValue): number | null {
  switch (checked.kind) {
    case 'string': {
      const text = asText(candidate);
      if (text === null) return null;
      const [left, right] = checked.caseExact
        ? [text, checked.value]
        : [text.toLowerCase(), checked.value.toLowerCase()];

      return compareCodePoints(left, right);
    }
    case 'boolean':
      return typeof candidate === 'boolean' ? (candidate === checked.value ? 0 : 1) : null;
    case 'number':
      return typeof candidate === 'number' ? Math.sign(candidate - checked.value) : null;
    case 'dateTime': {
      const date =
        candidate instanceof Date
          ? candidate
          : typeof candidate === 'string'
            ? parseDateTime(candidate)
            : null;
      if (date === null || Number.isNaN(date.getTime())) return null;

      return Math.sign(date.getTime() - checked.value.getTime());
    }
  }
}

function substringMatches(
  candidate: unknown,
  op: 'co' | 'sw' | 'ew',
  checked: CheckedValue,
): boolean {
  const text = asText(candidate);
  if (text === null || checked.kind !== 'string') return false;
  const [haystack, needle] = checked.caseExact
    ? [text, checked.value]
    : [text.toLowerCase(), checked.value.toLowerCase()];
  if (op === 'sw') return haystack.startsWith(needle);
  if (op === 'ew') return haystack.endsWith(needle);

  return haystack.includes(needle);
}

/**
 * The text of a value compared as a string. Like PostgreSQL's `->>`, a
 * number or boolean stored where a string belongs is read as its JSON text.
 */
function asText(candidate: unknown): string | null {
  if (typeof candidate === 'string') return candidate;
  if (typeof candidate === 'number' || typeof candidate === 'boolean')
    return JSON.stringify(candidate);

  return null;
}

/** Unicode code point order, as PostgreSQL's "C" collation orders UTF-8 text. */
function compareCodePoints(left: string, right: string): number {
  const a = [...left];
  const b = [...right];
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const difference = (a[index]?.codePointAt(0) ?? 0) - (b[index]?.codePointAt(0) ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }

  return Math.sign(a.length - b.length);
}

/** Reads an attribute by name, canonical spelling first (RFC 7643 §2.1: case-insensitive). */
function getCaseInsensitive(object: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(object, name)) return object[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === wanted);

  return key === undefined ? undefined : object[key];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}
