import { createContext, type ReactNode, useContext } from 'react';
import type { Me } from './api.ts';

type Session = { me: Me; logout: () => void; refresh: () => void };

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The logged-in caller; `can` mirrors the server's roles matrix so the console hides what would be refused. */
export function useSession() {
  const value = useContext(SessionContext);
  if (!value) {
    throw new Error('useSession outside SessionProvider');
  }
  return {
    ...value,
    timeZone: value.me.workspace.time_zone,
    can: (permission: string) => value.me.permissions.includes(permission),
  };
}
