import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';

/** What a new account starts with; its id is made here, time-sortable from `now`. */
export type NewUser = Omit<Prisma.UserUncheckedCreateInput, 'id'> & {
  email: string;
  name: string;
  passwordHash: string;
};

/** Inserts one account (operator or developer) with a new `user_…` id. */
export function insertUser(tx: Prisma.TransactionClient, user: NewUser, now: Date) {
  return tx.user.create({ data: { id: newId('user', now.getTime()), ...user } });
}
