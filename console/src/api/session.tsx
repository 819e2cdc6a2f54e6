import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { setCsrfToken } from './csrf';
import type { Role, SessionJson, UserJson } from './types';

export type Area = 'dashboard' | 'catalog' | 'transfers' | 'quarantine' | 'audit' | 'admin';

const AREAS: Record<Area, Role[]> = {
  dashboard: ['admin', 'operator', 'auditor', 'viewer'],
  catalog: ['admin', 'operator', 'auditor', 'viewer'],
  transfers: ['admin', 'operator', 'auditor'],
  quarantine: ['admin', 'operator', 'auditor'],
  audit: ['admin', 'auditor'],
  admin: ['admin'],
};

/** May this user see the area? (The hub enforces the same rule on every /v1 route.) */
export function can(user: UserJson | null | undefined, area: Area): boolean {
  return !!user && AREAS[area].includes(user.role);
}

/** May this user run commands (pause, cancel, set priority...)? Auditors only look. */
export function canChange(user: UserJson | null | undefined): boolean {
  return !!user && (user.role === 'admin' || user.role === 'operator');
}

interface SessionState {
  user: UserJson | null;
  csrfToken: string | undefined;
  loading: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionJson | null>(null);
  const [loading, setLoading] = useState(true);
  const queryClient = useQueryClient();

  const adopt = useCallback((s: SessionJson | null) => {
    setCsrfToken(s?.csrfToken);
    setSession(s);
  }, []);

  useEffect(() => {
    api<SessionJson>('GET', '/v1/session')
      .then(adopt, () => adopt(null))
      .finally(() => setLoading(false));
  }, [adopt]);

  const login = useCallback(
    async (username: string, password: string) => {
      adopt(await api<SessionJson>('POST', '/v1/session', { username, password }));
    },
    [adopt],
  );
  const logout = useCallback(async () => {
    try {
      await api('DELETE', '/v1/session');
    } finally {
      adopt(null);
      queryClient.clear();
    }
  }, [adopt, queryClient]);

  return (
    <SessionContext.Provider
      value={{ user: session?.user ?? null, csrfToken: session?.csrfToken, loading, login, logout }}
    >
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
