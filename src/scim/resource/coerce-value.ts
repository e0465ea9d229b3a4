import type { AttributeDefinition } from '../schemas/attribute';
import { invalidValue } from '../errors';
import { parseDateTime } from '../filter/comparison';

export type SimpleValue = string | number | boolean;

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/**
 * Checks a non-null value against a simple attribute type (RFC 7643 §2.3) and
 * returns it in canonical form: booleans as JSON booleans, dateTimes as
 * `toISOString()` strings.
 *
 * Entra sends booleans as the strings "True" and "False" (Microsoft documents
 * this for `active`), so those strings are accepted case-insensitively for
 * every boolean. Nothing else is converted: a number where a string belongs,
 * or a string where a number belongs, is refused.
 *
 * @throws ScimError 400 `invalidValue` naming `path`.
 */
export function coerceSimple(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
): SimpleValue {
  switch (attribute.type) {
    case 'string':
    case 'reference':
      return expectString(value, path);
    case 'binary':
      return expectBase64(value, path);
    case 'boolean':
      return expectBoolean(value, path);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw mismatch(path, 'an integer', value);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw mismatch(path, 'a number', value);
    case 'dateTime':
      return expectDateTime(value, path);
    case 'complex':
      throw mismatch(path, 'an object', value);
  }
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw mismatch(path, 'a string', value);

  return value;
}

function expectBase64(value: unknown, path: string): string {
  const text = expectString(value, path);
  if (!BASE64.test(text)) throw invalidValue(`"${path}" must be base64-encoded binary data.`);

  return text;
}

function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && value.toLowerCase() === 'true') return true;
  if (typeof value === 'string' && value.toLowerCase() === 'false') return false;

  throw mismatch(path, 'a boolean', value);
}

function expectDateTime(value: unknown, path: string): string {
  // The filter's reading of xsd:dateTime, so stored values compare the way filters expect.
  const date = parseDateTime(expectString(value, path));
  if (date === null) {
    throw invalidValue(`"${path}" must be an xsd:dateTime such as 2024-05-01T12:00:00Z.`);
  }

  return date.toISOString();
}

function mismatch(path: string, expected: string, value: unknown): Error {
  return invalidValue(`"${path}" must be ${expected}, not ${describeType(value)}.`);
}

/** Names a JSON value's type the way a client developer would. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';

  return typeof value;
}
