/**
 * The request URL as a log line may carry it: the path (ids only) and the
 * names of the query parameters, without their values. A query string holds
 * personal data as often as a body does: Okta and Entra look users up with
 * `filter=userName eq "…"`, and a cursor encodes where a listing stopped.
 *
 * `/scim/v2/Users?filter=userName%20eq%20%22a%40b.c%22&count=1` → `/scim/v2/Users?filter&count`
 */
export function loggableUrl(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const names = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => pair.split('=')[0] ?? '')
    .filter((name) => /^[A-Za-z0-9_.-]{1,64}$/.test(name));

  return names.length === 0 ? url.slice(0, queryAt) : `${url.slice(0, queryAt)}?${names.join('&')}`;
}
