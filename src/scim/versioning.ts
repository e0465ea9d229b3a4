import type { Request, Response } from 'express';
import { ScimError } from './errors';

/**
 * RFC 7644 §3.14: a write with If-Match that names another version is refused
 * with 412 before anything changes. `*` matches any existing resource.
 */
export function checkIfMatch(request: Request, version: string): void {
  checkVersion(request.header('if-match'), version);
}

/**
 * checkIfMatch for a version that did not come as a header: a Bulk
 * operation's `version` (RFC 7644 §3.7) means what If-Match means.
 */
export function checkVersion(header: string | undefined, version: string): void {
  if (header === undefined) return;

  const wanted = header.split(',').map((tag) => tag.trim());
  if (wanted.includes('*') || wanted.some((tag) => sameVersion(tag, version))) return;

  throw new ScimError(
    412,
    undefined,
    `The resource is at version ${version}, not ${header}; read it again and retry.`,
  );
}

/** RFC 7644 §3.14: GET with If-None-Match naming the current version answers 304. */
export function isNotModified(request: Request, version: string): boolean {
  const header = request.header('if-none-match');
  if (header === undefined) return false;

  return header.split(',').some((tag) => tag.trim() === '*' || sameVersion(tag.trim(), version));
}

export function setVersionHeader(response: Response, version: string): void {
  response.set('ETag', version);
}

/** Weak comparison (RFC 9110 §8.8.3.2): `W/"3"` and `"3"` name the same version. */
function sameVersion(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}
