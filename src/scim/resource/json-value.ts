import type { ScimObject } from './scim-object';
import { invalidSyntax } from '../errors';

/**
 * Keys that name parts of JavaScript's object model. `JSON.parse` turns them
 * into ordinary own properties, but copying them onto another object with
 * `target[key] = value` would replace its prototype, so they are refused.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isPrototypeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key.toLowerCase());
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is ScimObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of JSON data made of fresh plain objects and arrays, so the
 * copy can be changed without touching the original.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T;
  if (!isPlainObject(value)) return value;

  const copy: ScimObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (isPrototypeKey(key)) continue;
    copy[key] = cloneJson(item);
  }

  return copy as T;
}

/**
 * Structural equality of JSON data. Object key order does not matter (it
 * carries no meaning in JSON); array order does.
 */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;

    return left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (!isPlainObject(left) || !isPlainObject(right)) return false;

  const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;

  return leftKeys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}

/**
 * Reads a key of a JSON object case-insensitively (RFC 7643 §2.1 makes
 * attribute names case-insensitive, and clients write `operations` as well
 * as `Operations`). Returns undefined when the key is absent.
 *
 * @throws ScimError 400 `invalidSyntax` when two spellings of the key are given.
 */
export function readKey(object: ScimObject, name: string, where: string): unknown {
  const wanted = name.toLowerCase();
  const keys = Object.keys(object).filter((key) => key.toLowerCase() === wanted);
  if (keys.length > 1) {
    throw invalidSyntax(`${where} gives "${name}" more than once (${keys.join(', ')}).`);
  }

  return keys[0] === undefined ? undefined : object[keys[0]];
}
