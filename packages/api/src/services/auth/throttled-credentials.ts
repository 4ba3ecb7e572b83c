import type { ApiContext } from '../../trpc';
import { PorticoError } from '../shared/domain-errors';
import type { UserView } from '../users/user-view';
import { checkCredentials } from './accounts';
import type { SignInAttempt } from './sign-in-throttle';

/**
 * Checks a password sign-in, counting the outcome against the sign-in throttle when there is one
 * (console and portal sign-ins share it, so switching surfaces buys a guesser nothing).
 */
export async function checkCredentialsThrottled(
  ctx: Pick<ApiContext, 'db' | 'signInThrottle' | 'clientIp' | 'now'>,
  email: string,
  password: string,
  now: Date,
): Promise<UserView> {
  // Refused here (TOO_MANY_REQUESTS) while the email or IP is locked: before the account is
  // looked up or the password hashed.
  const attempt: SignInAttempt | undefined = ctx.signInThrottle?.begin(email, ctx.clientIp, now);
  try {
    // Verified outside the transaction: Argon2 takes tens of milliseconds, and failed guesses
    // should not hold database connections.
    const user = await checkCredentials(ctx.db, email, password);
    attempt?.succeeded();
    return user;
  } catch (error) {
    if (error instanceof PorticoError && error.code === 'CTL_UNAUTHORIZED')
      attempt?.failed(ctx.now());
    else attempt?.abandoned();
    throw error;
  }
}
