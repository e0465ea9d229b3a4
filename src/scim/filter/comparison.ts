import type { CompareOperator } from './ast';
import type { ErrorFactory } from './lexer';
import type { AttributeDefinition } from '../schemas/attribute';
import { findAttribute } from '../schemas/attribute';

/**
 * The rules both filter back ends share (RFC 7644 §3.4.2.2): which operators
 * and values suit which attribute types, how dateTime literals are read, and
 * what "present" means. Keeping them in one place is what makes the SQL
 * compiler and the in-memory evaluator agree.
 */

/** A comparison value checked against its attribute and converted for comparing. */
export type CheckedValue =
  | { kind: 'string'; value: string; caseExact: boolean }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'dateTime'; value: Date };

const ORDERING: ReadonlySet<CompareOperator> = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING: ReadonlySet<CompareOperator> = new Set<CompareOperator>(['co', 'sw', 'ew']);

/**
 * Checks that `op value` is a meaningful test of `attribute` and converts the
 * value. RFC 7644 §3.4.2.2 makes gt/ge/lt/le on boolean and binary
 * attributes an `invalidFilter`; we extend that to every operator/type pair
 * that has no sensible meaning, rather than quietly matching nothing.
 *
 * @param name the attribute's canonical path, quoted in errors
 */
export function checkComparison(
  name: string,
  attribute: AttributeDefinition,
  op: CompareOperator,
  value: string | number | boolean,
  fail: ErrorFactory,
): CheckedValue {
  switch (attribute.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') {
        throw fail(
          `"${name}" is a ${attribute.type} attribute; compare it with a "double-quoted ` +
            `string", not ${JSON.stringify(value)}.`,
        );
      }
      if (attribute.type === 'binary' && ORDERING.has(op)) {
        throw fail(`"${name}" is a binary attribute; "${op}" cannot be applied to it.`);
      }

      return { kind: 'string', value, caseExact: attribute.caseExact };

    case 'boolean':
      if (op !== 'eq' && op !== 'ne') {
        throw fail(
          `"${name}" is a boolean attribute; only "eq" and "ne" apply to it, not "${op}".`,
        );
      }
      if (typeof value === 'boolean') return { kind: 'boolean', value };
      // Entra writes booleans in filters as strings too: its role mappings target
      // `roles[primary eq "True"].value`, as its bodies send `"active": "False"`.
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
        return { kind: 'boolean', value: value.toLowerCase() === 'true' };
      }
      throw fail(
        `"${name}" is a boolean attribute; compare it with true or false, ` +
          `not ${JSON.stringify(value)}.`,
      );

    case 'integer':
    case 'decimal':
      if (SUBSTRING.has(op)) {
        throw fail(`"${name}" is a number; "${op}" applies to strings only.`);
      }
      if (typeof value !== 'number') {
        throw fail(
          `"${name}" is an ${attribute.type} attribute; compare it with a number, ` +
            `not ${JSON.stringify(value)}.`,
        );
      }

      return { kind: 'number', value };

    case 'dateTime': {
      if (SUBSTRING.has(op)) {
        throw fail(
          `"${name}" is a dateTime attribute; "${op}" applies to strings only (use gt, ge, ` +
            `lt or le for ranges).`,
        );
      }
      const date = typeof value === 'string' ? parseDateTime(value) : null;
      if (date === null) {
        throw fail(
          `"${name}" is a dateTime attribute; compare it with a date and time in quotes, ` +
            `such as "2024-05-01T12:00:00Z", not ${JSON.stringify(value)}.`,
        );
      }

      return { kind: 'dateTime', value: date };
    }

    case 'complex':
      throw fail(complexComparisonDetail(name, attribute));
  }
}

export function complexComparisonDetail(name: string, attribute: AttributeDefinition): string {
  const example = attribute.subAttributes?.[0]?.name ?? 'value';

  return (
    `"${name}" is a complex attribute and cannot be compared as a whole; compare one of its ` +
    `sub-attributes, e.g. ${name}.${example}.`
  );
}

/**
 * The sub-attribute a comparison on a multi-valued complex attribute means
 * when it names none: `emails co "x"` is `emails.value co "x"`
 * (RFC 7644 §3.4.2.2, "the filter matches if any of the values ... match").
 */
export function impliedValueSubAttribute(
  name: string,
  attribute: AttributeDefinition,
  fail: ErrorFactory,
): AttributeDefinition {
  const value = findAttribute(attribute.subAttributes ?? [], 'value');
  if (value === undefined) throw fail(complexComparisonDetail(name, attribute));

  return value;
}

/** `eq null` / `ne null` mean "absent" / "present"; no other operator takes null. */
export function nullComparisonDetail(name: string, op: CompareOperator): string {
  return (
    `"${name} ${op} null" is not supported: null can only be used with eq (meaning "not ` +
    `present") or ne (meaning "present"); use "${name} pr" to test presence.`
  );
}

/** Attributes that are never returned (RFC 7643 §7 `returned: never`) cannot be filtered on. */
export function unfilterableDetail(name: string): string {
  return `"${name}" cannot be used here: it is write-only and never stored or returned.`;
}

/**
 * Escapes LIKE metacharacters (`%`, `_` and the escape character `\`) and
 * adds the wildcards for co / sw / ew, so the value matches literally.
 */
export function likePattern(op: 'co' | 'sw' | 'ew', value: string): string {
  const escaped = value.replace(/[\\%_]/g, (char) => `\\${char}`);
  if (op === 'sw') return `${escaped}%`;
  if (op === 'ew') return `%${escaped}`;

  return `%${escaped}%`;
}

/** xsd:dateTime (RFC 7643 §2.3.5); every part has a fixed width, so matching is linear. */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Reads an xsd:dateTime such as `2011-05-13T04:42:34Z` or
 * `2011-05-13T04:42:34.123+02:00`. A value without a time zone is taken as
 * UTC. Fractions beyond milliseconds are dropped. Returns null for anything
 * else, including impossible dates like February 30th.
 */
export function parseDateTime(text: string): Date | null {
  const match = DATE_TIME.exec(text);
  if (match === null) return null;

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const fraction = match[7] ?? '';
  const zone = (match[8] ?? 'Z').toUpperCase();
  if (year === undefined || month === undefined || day === undefined) return null;
  if (hour === undefined || minute === undefined || second === undefined) return null;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null;
  }
  if (hour > 23 || minute > 59 || second > 59) return null;

  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetRest = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetRest > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }

  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Date.UTC maps years 0-99 to the 1900s; setting the year afterwards avoids that.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, milliseconds));
  date.setUTCFullYear(year);

  return new Date(date.getTime() - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  return days[month - 1] ?? 0;
}

/**
 * RFC 7644 §3.4.2.2 `pr`: the value is there and not empty. Null, "", [] and
 * {} are all absent; the SQL compiler tests the same four jsonb values.
 */
export function isPresentValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && !(value instanceof Date)) return Object.keys(value).length > 0;

  return true;
}
