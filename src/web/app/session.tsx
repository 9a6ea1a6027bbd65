import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api, setCsrfToken } from './api.ts';
import type { UserDto } from './types.ts';

type Session = { user: UserDto; csrfToken: string; expiresAt: string };
type SessionState = {
  user: UserDto | null;
  loading: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<UserDto | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    // The probe answers 200 signed out too: a sign-in page logs no 401 in the console.
    api<Partial<Session> & { signedIn: boolean }>('GET', '/auth/session/probe')
      .then((s) => {
        setCsrfToken(s.csrfToken ?? '');
        setUser(s.signedIn && s.user ? s.user : null);
      })
      .catch(() => setUser(null))
      .finally(() => setLoading(false));
  }, []);
  const login = useCallback(async (username: string, password: string) => {
    const s = await api<Session>('POST', '/auth/login', { username, password });
    setCsrfToken(s.csrfToken);
    setUser(s.user);
  }, []);
  const logout = useCallback(async () => {
    await api('POST', '/auth/logout').catch(() => {});
    setCsrfToken('');
    setUser(null);
  }, []);
  return (
    <SessionContext.Provider value={{ user, loading, login, logout }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
