import { isUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import { invalidSyntax, invalidValue } from '../scim/errors';

/**
 * Passed to express.json as `verify`: a body that is not valid UTF-8 is
 * refused instead of being decoded with replacement characters, which would
 * silently change what the client sent.
 */
export function verifyUtf8(_request: unknown, _response: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw invalidSyntax('The request body is not valid UTF-8.');
}

/** The first string in a JSON value that PostgreSQL cannot store or that is not well-formed Unicode. */
function findBadString(value: unknown, path: string, depth = 0): string | undefined {
  if (depth > 64) return undefined;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return `${path} contains a NUL character (U+0000)`;
    if (!value.isWellFormed()) return `${path} contains an unpaired UTF-16 surrogate`;

    return undefined;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findBadString(value[index], `${path}[${index}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findBadString(key, `${path} key`, depth + 1) ?? findBadString(item, `${path}.${key}`, depth + 1);
      if (found !== undefined) return found;
    }
  }

  return undefined;
}

/**
 * Refuses text no directory attribute can hold, anywhere in the body or the
 * URL path, before any handler sees it: 400 naming where it is.
 */
export const textGuard: RequestHandler = (request, _response, next) => {
  if (/%00/i.test(request.path) || request.path.includes('\u0000')) {
    throw invalidValue('The URL contains a NUL character (%00).');
  }
  const found = findBadString(request.body, 'body');
  if (found !== undefined) throw invalidValue(`The request ${found}; send valid text.`);
  next();
};
