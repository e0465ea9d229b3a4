import { invalidSyntax, invalidValue } from '../errors';
import { isPlainObject, isPrototypeKey } from './json-value';
import { RESOURCE_LIMITS } from './limits';

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number | null;
}

/**
 * Checks a whole request body once, before any of it is interpreted: plain
 * JSON types only, no prototype keys (`__proto__`, `constructor`,
 * `prototype`) at any depth, and the size limits of RESOURCE_LIMITS.
 *
 * The walk is iterative so a deeply nested body cannot overflow the stack
 * before the depth limit is reached.
 *
 * @throws ScimError 400 `invalidSyntax` for nesting, `invalidValue` for the
 *   rest, with a detail naming where in the body the problem is.
 */
export function assertJsonBounds(body: unknown): void {
  const stack: Frame[] = [{ value: body, depth: 0, parent: null, key: null }];
  let nodes = 0;

  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    nodes += 1;
    if (nodes > RESOURCE_LIMITS.maxNodes) {
      throw invalidValue(`The request body holds more than ${RESOURCE_LIMITS.maxNodes} values.`);
    }
    assertScalar(frame);
    if (typeof frame.value !== 'object' || frame.value === null) continue;
    if (frame.depth >= RESOURCE_LIMITS.maxDepth) {
      const { maxDepth } = RESOURCE_LIMITS;
      const where = pathOf(frame);
      throw invalidSyntax(`The body is nested more than ${maxDepth} levels deep at "${where}".`);
    }

    stack.push(...children(frame));
  }
}

function assertScalar(frame: Frame): void {
  const { value } = frame;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw invalidValue(`"${pathOf(frame)}" is not a finite number.`);
  }
  if (typeof value === 'string' && value.length > RESOURCE_LIMITS.maxStringLength) {
    throw invalidValue(
      `"${pathOf(frame)}" is longer than ${RESOURCE_LIMITS.maxStringLength} characters.`,
    );
  }
  const jsonTypes = ['string', 'number', 'boolean', 'object'];
  if (!jsonTypes.includes(typeof value)) {
    throw invalidValue(`"${pathOf(frame)}" is not a JSON value.`);
  }
}

function children(frame: Frame): Frame[] {
  const depth = frame.depth + 1;
  if (Array.isArray(frame.value)) {
    if (frame.value.length > RESOURCE_LIMITS.maxArrayLength) {
      throw invalidValue(
        `"${pathOf(frame)}" has more than ${RESOURCE_LIMITS.maxArrayLength} elements.`,
      );
    }

    return frame.value.map((value, key) => ({ value, depth, parent: frame, key }));
  }

  if (!isPlainObject(frame.value)) return [];
  const keys = Object.keys(frame.value);
  if (keys.length > RESOURCE_LIMITS.maxObjectKeys) {
    throw invalidValue(`"${pathOf(frame)}" has more than ${RESOURCE_LIMITS.maxObjectKeys} keys.`);
  }
  const object = frame.value;

  return keys.map((key) => {
    const child = { value: object[key], depth, parent: frame, key };
    if (isPrototypeKey(key)) {
      throw invalidValue(`"${pathOf(child)}": the key "${key}" is not allowed in SCIM data.`);
    }

    return child;
  });
}

/** Renders where a value sits, e.g. `Operations[2].value.emails[0]`; only built on error. */
function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let at: Frame | null = frame; at !== null && at.key !== null; at = at.parent) {
    parts.unshift(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
  }
  const path = parts.join('').replace(/^\./, '');

  return path === '' ? '(the request body)' : path;
}
