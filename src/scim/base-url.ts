import type { Request } from 'express';

/**
 * The absolute SCIM base URL (`…/scim/v2`) for `meta.location` and the admin
 * API. PUBLIC_BASE_URL wins; otherwise the request's host, which honours
 * X-Forwarded-Proto/Host only from proxies express is told to trust.
 */
export function scimBaseUrl(request: Request, publicBaseUrl: string | undefined): string {
  const origin = publicBaseUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.get('host')}`;

  return `${origin}/scim/v2`;
}
