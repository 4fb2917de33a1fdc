// Who is logged in: the token, the /auth/me answer, and login/logout.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, tokenStore } from '../api/session';
import { takeEarlyMe } from '../api/early';
import type { LoginResponse, Me } from '../api/types';
import { hasPermission } from './permissions';

interface AuthValue {
  token: string | null;
  me: Me | null;
  /** True while /auth/me is being read for a stored token. */
  loading: boolean;
  /** The error of the last /auth/me call that was not a 401. */
  meError: unknown;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  can: (permission: string) => boolean;
  reloadMe: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(tokenStore.get());
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState<boolean>(!!tokenStore.get());
  const [meError, setMeError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => tokenStore.subscribe(setToken), []);

  useEffect(() => {
    if (!token) {
      setMe(null);
      setLoading(false);
      return undefined;
    }
    const ctrl = new AbortController();
    setLoading(true);
    setMeError(null);
    (takeEarlyMe<Me>(token) ?? api.get<Me>('/auth/me', undefined, ctrl.signal))
      .then((m) => {
        if (ctrl.signal.aborted) return;
        setMe({ ...m, permissions: m.permissions ?? [], department_ids: m.department_ids ?? [] });
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted) return;
        setMeError(e);
        setLoading(false);
      });
    return () => ctrl.abort();
  }, [token, reloads]);

  const login = useCallback(async (username: string, password: string) => {
    const res = await api.post<LoginResponse>('/auth/login', { username, password }, { noAuthRedirect: true });
    tokenStore.set(res.token);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post<void>('/auth/logout', undefined, { noAuthRedirect: true });
    } catch {
      // The token is dropped locally whatever the server says.
    }
    tokenStore.set(null);
  }, []);

  const can = useCallback((p: string) => hasPermission(me?.permissions ?? [], p), [me]);
  const reloadMe = useCallback(() => setReloads((n) => n + 1), []);

  const value = useMemo<AuthValue>(
    () => ({ token, me, loading, meError, login, logout, can, reloadMe }),
    [token, me, loading, meError, login, logout, can, reloadMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
