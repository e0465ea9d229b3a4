import { useEffect, useState } from 'react';

/** The screens of one tenant, in the order the navigation lists them. */
export const SCREENS = [
  { id: 'connect', label: 'Connect' },
  { id: 'token', label: 'Token' },
  { id: 'mapping', label: 'Group → role mapping' },
  { id: 'activity', label: 'Activity' },
  { id: 'directory', label: 'Users and groups' },
] as const;

export type Screen = (typeof SCREENS)[number]['id'];

export interface Route {
  tenantId: string | null;
  screen: Screen;
  params: URLSearchParams;
}

function isScreen(value: string | undefined): value is Screen {
  return SCREENS.some((screen) => screen.id === value);
}

/**
 * The location lives in the hash (`#/tenants/<id>/<screen>?q=…`): the api
 * serves one page, and a reload or a shared link lands on the same screen.
 */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const [, first, tenantId, screen] = path.split('/');
  const params = new URLSearchParams(query);
  if (first !== 'tenants' || tenantId === undefined || tenantId === '') {
    return { tenantId: null, screen: 'connect', params };
  }

  return {
    tenantId: decodeURIComponent(tenantId),
    screen: isScreen(screen) ? screen : 'connect',
    params,
  };
}

export function hrefFor(
  tenantId: string | null,
  screen: Screen = 'connect',
  params: Record<string, string> = {},
): string {
  if (tenantId === null) return '#/';
  const query = new URLSearchParams(params).toString();
  const path = `#/tenants/${encodeURIComponent(tenantId)}/${screen}`;

  return query === '' ? path : `${path}?${query}`;
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, '');
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);

    return () => window.removeEventListener('hashchange', update);
  }, []);

  return route;
}
