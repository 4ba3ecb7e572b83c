'use client';

import { createContext, type ReactNode, useContext } from 'react';
import type { RouterOutputs } from '../lib/trpc';

type Me = RouterOutputs['auth']['me'];
type Role = 'owner' | 'admin' | 'editor' | 'viewer';

export interface Session {
  user: Me['user'];
  role: Role | null;
  /** Editor or higher: may change APIs, services, plans, consumers, keys and config. */
  canEdit: boolean;
  /** Admin or higher: may manage members and machine tokens. */
  canAdmin: boolean;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function sessionFrom(me: Me): Session {
  const role = me.user.role;
  return {
    user: me.user,
    role,
    canEdit: role !== null && RANK[role] >= RANK.editor,
    canAdmin: role !== null && RANK[role] >= RANK.admin,
  };
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in operator; only rendered inside the console layout, after auth.me answered. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside the console layout');
  return session;
}
