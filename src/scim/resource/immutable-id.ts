import { mutability } from '../errors';

/**
 * RFC 7643 §3.1: `id` is assigned by the service provider and never changes,
 * so a PUT body (RFC 7644 §3.5.1) may repeat it but not name another one.
 *
 * @throws ScimError 400 `mutability` when the body names an id other than the URL's.
 */
export function assertIdUnchanged(body: unknown, urlId: string): void {
  const givenId = (body as { id?: unknown })?.id;
  if (givenId !== undefined && givenId !== urlId) {
    throw mutability(`"id" is immutable: the body names "${String(givenId)}", the URL "${urlId}".`);
  }
}
