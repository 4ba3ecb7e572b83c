import type { User } from '@portico/db';

/** What callers may see of a user: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  kind: 'operator' | 'developer';
  role: 'owner' | 'admin' | 'editor' | 'viewer' | null;
  disabledAt: Date | null;
  /** Developers: pending (waiting for approval), rejected, suspended or active. */
  status: 'active' | 'pending' | 'rejected' | 'suspended';
  emailVerifiedAt: Date | null;
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
    status: user.status,
    emailVerifiedAt: user.emailVerifiedAt,
    createdAt: user.createdAt,
  };
}
