import type { User } from '@portico/db';

/** What callers may see of a user: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  kind: 'operator' | 'developer';
  role: 'owner' | 'admin' | 'editor' | 'viewer' | null;
  disabledAt: Date | null;
  createdAt: Date;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    kind: user.kind,
    role: user.role,
    disabledAt: user.disabledAt,
    createdAt: user.createdAt,
  };
}
