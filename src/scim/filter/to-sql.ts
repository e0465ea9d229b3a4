import type { RawBuilder, SqlBool } from 'kysely';
import type { CompareOperator, CompareValue, FilterNode } from './ast';
import type { CheckedValue } from './comparison';
import type { ErrorFactory } from './lexer';
import type { Collection, ElementScope, FilterTarget, Location, Operand } from './sql-targets';
import type { AttributeDefinition } from '../schemas/attribute';
import { sql } from 'kysely';
import {
  checkComparison,
  complexComparisonDetail,
  impliedValueSubAttribute,
  likePattern,
  nullComparisonDetail,
} from './comparison';
import { excerpt } from './lexer';
import { findAttribute } from '../schemas/attribute';
import { invalidFilter, invalidValue } from '../errors';

export type { FilterTarget } from './sql-targets';
export { groupFilterTarget, userFilterTarget } from './sql-targets';

/**
 * Compiles filters (RFC 7644 §3.4.2.2) and sort keys (RFC 7644 §3.4.2.3)
 * into kysely SQL for the tables of src/db/schema.ts.
 *
 * Every value is a bound parameter; the only SQL text is this module's own
 * (one template per operator, identifiers from sql-targets.ts).
 *
 * Semantics, shared with evaluate.ts:
 * - Every predicate is TRUE or FALSE, never NULL, so `not (f)` selects
 *   exactly the resources `f` does not, and `ne` is exactly `not eq`: it
 *   matches resources where the attribute is absent.
 * - Strings compare case-insensitively (lower() on both sides) unless the
 *   attribute is caseExact; gt/ge/lt/le order by Unicode code point
 *   (COLLATE "C"), whatever the database locale.
 * - co / sw / ew use LIKE with `%`, `_` and `\` in the value escaped.
 * - dateTime values compare as timestamptz at millisecond precision, the
 *   precision resources are served with.
 * - Booleans take eq / ne only; numbers and dates take no co / sw / ew.
 * - On a multi-valued attribute a comparison matches when any value does
 *   (`emails co "x"` means `emails.value co "x"`); `ne` also matches when
 *   there are no values. A value path `emails[type eq "work" and value co
 *   "x"]` matches when one element satisfies the whole inner filter.
 * - `eq null` means `not pr` and `ne null` means `pr`; null with any other
 *   operator is an invalidFilter.
 */

/**
 * A WHERE condition selecting the resources of `target` that match `node`.
 * Combine it with the tenant and soft-delete conditions of the query, e.g.
 * `db.selectFrom('users').where('tenant_id', '=', t).where(compileFilter(node, target))`
 * with `target = userFilterTarget('users')`.
 *
 * @throws ScimError 400 `invalidFilter` naming the attribute, for unknown or
 *   unfilterable attributes and for operators or values that do not suit
 *   the attribute's type.
 */
export function compileFilter(node: FilterNode, target: FilterTarget): RawBuilder<SqlBool> {
  return compileNode(node, (path) => target.locate(path, invalidFilter));
}

/**
 * An expression to ORDER BY for `sortBy` (RFC 7644 §3.4.2.3): NULL when the
 * resource has no value, so PostgreSQL's defaults put those last ascending
 * and first descending, as the RFC asks. Strings sort by code point,
 * lower-cased unless caseExact; a multi-valued attribute sorts by its
 * primary value, else its first (memberships, which have no order, by their
 * smallest). Add a unique tie-breaker such as the id for stable paging.
 *
 * @throws ScimError 400 `invalidValue` for an attribute that does not exist
 *   or cannot be sorted on (RFC 7644 §3.12 has no sort-specific error type).
 */
export function compileSortKey(sortBy: string, target: FilterTarget): RawBuilder<unknown> {
  const fail: ErrorFactory = (detail) => invalidValue(`sortBy: ${detail}`);
  const location = target.locate(sortBy.trim(), fail);
  switch (location.kind) {
    case 'scalar':
      return sortExpression(location.operand);
    case 'collection': {
      const sub = elementAttribute(location.collection, location.subAttribute, fail);

      return location.collection.sortKey((element) => sortExpression(element.operand(sub, fail)));
    }
    case 'object':
      throw fail(
        `"${location.name}" is a complex attribute; sort by one of its sub-attributes, e.g. ` +
          `${location.name}.${location.attribute.subAttributes?.[0]?.name ?? 'value'}.`,
      );
  }
}

type Resolver = (path: string) => Location;

function compileNode(node: FilterNode, resolve: Resolver): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'and':
      return sql<SqlBool>`(${compileNode(node.left, resolve)}
        and ${compileNode(node.right, resolve)})`;
    case 'or':
      return sql<SqlBool>`(${compileNode(node.left, resolve)}
        or ${compileNode(node.right, resolve)})`;
    case 'not':
      return sql<SqlBool>`(not ${compileNode(node.operand, resolve)})`;
    case 'present':
      return presence(resolve(node.path));
    case 'compare':
      return comparison(resolve(node.path), node.op, node.value);
    case 'valuePath':
      return valuePath(resolve(node.path), node.filter);
  }
}

function presence(location: Location): RawBuilder<SqlBool> {
  switch (location.kind) {
    case 'scalar':
      return location.operand.present;
    case 'object':
      return location.present;
    case 'collection': {
      const { collection, subAttribute } = location;
      if (subAttribute === null) return sql<SqlBool>`(not ${collection.none()})`;

      return collection.any((element) => element.operand(subAttribute, invalidFilter).present);
    }
  }
}

function comparison(
  location: Location,
  op: CompareOperator,
  value: CompareValue,
): RawBuilder<SqlBool> {
  if (value === null) {
    if (op !== 'eq' && op !== 'ne')
      throw invalidFilter(nullComparisonDetail(locationName(location), op));
    const present = presence(location);

    return op === 'ne' ? present : sql<SqlBool>`(not ${present})`;
  }

  switch (location.kind) {
    case 'scalar': {
      const { operand } = location;
      const checked = checkComparison(operand.name, operand.attribute, op, value, invalidFilter);

      return compareOperand(operand, op, checked);
    }
    case 'object':
      throw invalidFilter(complexComparisonDetail(location.name, location.attribute));
    case 'collection': {
      const { collection } = location;
      const sub = elementAttribute(collection, location.subAttribute, invalidFilter);
      const name =
        sub === collection.attribute ? collection.name : `${collection.name}.${sub.name}`;
      const checked = checkComparison(name, sub, op, value, invalidFilter);
      const any = collection.any((element) =>
        compareOperand(element.operand(sub, invalidFilter), op, checked),
      );

      // An absent value is "not equal" too, and having no values means every value is absent.
      return op === 'ne' ? sql<SqlBool>`(${any} or ${collection.none()})` : any;
    }
  }
}

/** `attr[filter]`: some element of `attr` satisfies all of `filter` at once. */
function valuePath(location: Location, filter: FilterNode): RawBuilder<SqlBool> {
  if (location.kind === 'collection' && location.subAttribute === null) {
    const { collection } = location;

    return collection.any((element) =>
      compileNode(filter, elementResolver(collection.name, collection.attribute, element)),
    );
  }
  if (location.kind === 'object') {
    const inner = compileNode(
      filter,
      elementResolver(location.name, location.attribute, location.element),
    );

    return sql<SqlBool>`(${location.exists} and ${inner})`;
  }

  const name = locationName(location);
  throw invalidFilter(
    `"${name}[...]" is not allowed: a value filter in brackets applies to a complex attribute ` +
      `such as emails, not to "${name}".`,
  );
}

/** Paths inside `[...]` name sub-attributes of the bracketed attribute. */
function elementResolver(
  name: string,
  attribute: AttributeDefinition,
  element: ElementScope,
): Resolver {
  return (path) => {
    const subAttribute = path.includes('.')
      ? undefined
      : findAttribute(attribute.subAttributes ?? [], path);
    if (subAttribute === undefined) {
      throw invalidFilter(
        `Unknown attribute "${excerpt(path)}" inside "${name}[...]": the names in brackets are ` +
          `sub-attributes of ${name} (${subAttributeNames(attribute)}).`,
      );
    }

    return { kind: 'scalar', operand: element.operand(subAttribute, invalidFilter) };
  };
}

/** The sub-attribute a comparison on a collection's elements reads. */
function elementAttribute(
  collection: Collection,
  subAttribute: AttributeDefinition | null,
  fail: ErrorFactory,
): AttributeDefinition {
  if (subAttribute !== null) return subAttribute;
  if (collection.attribute.type !== 'complex') return collection.attribute;

  return impliedValueSubAttribute(collection.name, collection.attribute, fail);
}

/** A comparison that is TRUE or FALSE, never NULL. */
function compareOperand(
  operand: Operand,
  op: CompareOperator,
  checked: CheckedValue,
): RawBuilder<SqlBool> {
  if (op === 'ne') return sql<SqlBool>`(not ${compareOperand(operand, 'eq', checked)})`;

  const test = rawComparison(operand.value, op, checked);

  // `x is not null and ...` rather than coalesce(): it keeps the comparison
  // sargable, so lower(user_name) = lower($1) can use users_tenant_user_name.
  return operand.nullable ? sql<SqlBool>`(${operand.value} is not null and ${test})` : test;
}

function rawComparison(
  value: RawBuilder<unknown>,
  op: Exclude<CompareOperator, 'ne'>,
  checked: CheckedValue,
): RawBuilder<SqlBool> {
  switch (checked.kind) {
    case 'string': {
      const fold = (expression: RawBuilder<unknown>) =>
        checked.caseExact ? expression : sql`lower(${expression})`;
      const left = fold(value);
      if (op === 'co' || op === 'sw' || op === 'ew') {
        const pattern = fold(sql`${likePattern(op, checked.value)}::text`);

        return sql<SqlBool>`(${left} like ${pattern} escape '\\')`;
      }
      const right = fold(sql`${checked.value}::text`);
      if (op === 'eq') return sql<SqlBool>`(${left} = ${right})`;

      return ordered(sql`(${left} collate "C")`, op, right);
    }
    case 'boolean':
      return sql<SqlBool>`(${value} = ${checked.value}::boolean)`;
    case 'number':
      return ordered(value, op, sql`${checked.value}::numeric`);
    case 'dateTime': {
      const date = sql`${checked.value.toISOString()}::timestamptz`;

      return ordered(sql`date_trunc('milliseconds', ${value})`, op, date);
    }
  }
}

/**
 * `left <op> right` for eq and the orderings. One template per operator, so
 * no operator text is ever spliced into the statement.
 */
function ordered(
  left: RawBuilder<unknown>,
  op: Exclude<CompareOperator, 'ne'>,
  right: RawBuilder<unknown>,
): RawBuilder<SqlBool> {
  switch (op) {
    case 'eq':
      return sql<SqlBool>`(${left} = ${right})`;
    case 'gt':
      return sql<SqlBool>`(${left} > ${right})`;
    case 'ge':
      return sql<SqlBool>`(${left} >= ${right})`;
    case 'lt':
      return sql<SqlBool>`(${left} < ${right})`;
    case 'le':
      return sql<SqlBool>`(${left} <= ${right})`;
    default:
      // checkComparison refuses co / sw / ew for anything but strings.
      throw new Error(`"${op}" reached a non-string comparison.`);
  }
}

/** Strings sort case-folded (unless caseExact) by code point; "" counts as no value. */
function sortExpression(operand: Operand): RawBuilder<unknown> {
  const { attribute, value } = operand;
  if (
    attribute.type !== 'string' &&
    attribute.type !== 'reference' &&
    attribute.type !== 'binary'
  ) {
    return value;
  }
  const folded = attribute.caseExact ? value : sql`lower(${value})`;

  return sql`(nullif(${folded}, '') collate "C")`;
}

function locationName(location: Location): string {
  switch (location.kind) {
    case 'scalar':
      return location.operand.name;
    case 'object':
      return location.name;
    case 'collection':
      return location.subAttribute === null
        ? location.collection.name
        : `${location.collection.name}.${location.subAttribute.name}`;
  }
}

function subAttributeNames(attribute: AttributeDefinition): string {
  return (attribute.subAttributes ?? []).map((sub) => sub.name).join(', ');
}
