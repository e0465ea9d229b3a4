import { createContext, useContext } from 'react';
import type { ApiClient, Session } from './api/client';
import type { TenantOverview } from './api/types';

/** What every screen of a signed-in dashboard needs; one per page, never module state. */
export interface DashboardContextValue {
  api: ApiClient;
  session: Session;
  signOut: () => void;
}

export const DashboardContext = createContext<DashboardContextValue | null>(null);

export function useDashboard(): DashboardContextValue {
  const value = useContext(DashboardContext);
  if (value === null) throw new Error('useDashboard outside a signed-in dashboard');

  return value;
}

/** The tenant being worked on, with a way to refresh its at-a-glance numbers after a change. */
export interface TenantContextValue {
  tenantId: string;
  overview: TenantOverview | undefined;
  refreshOverview: () => void;
}

export const TenantContext = createContext<TenantContextValue | null>(null);

export function useTenant(): TenantContextValue {
  const value = useContext(TenantContext);
  if (value === null) throw new Error('useTenant outside a tenant');

  return value;
}
