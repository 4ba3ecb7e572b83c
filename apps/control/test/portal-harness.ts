import { randomBytes } from 'node:crypto';
import { SignInThrottle, smtpMailer } from '@portico/api';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { type ChangeFeed, createChangeFeed } from '../src/dp/change-feed';
import { createMachineToken } from '../src/testing/machine-tokens';
import { listeningControlServer } from './control-server';
import { dataOf, mutate, sessionCookieFrom, setUpOwner } from './http-client';
import { type Mailbox, startMailbox } from './mailbox';

export const PORTAL_URL = 'http://portal.example.test';
export const PORTAL_ORIGIN = PORTAL_URL;
export const CONSOLE_ORIGIN = 'http://console.example.test';
export const PORTAL_COOKIE = 'portico_portal_session';
export const PASSWORD = 'a long enough password';

export interface PortalHarness {
  database: TestDatabase;
  app: FastifyInstance;
  base: string;
  mailbox: Mailbox;
  /** Cookie pair of the owner signed in to the console. */
  ownerCookie: string;
  /** A data-plane token, to read the credential stream as a gateway does (/dp/v1/config). */
  dpToken: string;
  /** Moves the control plane's clock (for expiry) without waiting. */
  advanceClock(ms: number): void;
  /** A developer signed up in the portal, verified by the mailed link: their portal cookie. */
  verifiedDeveloper(prefix?: string): Promise<{ email: string; userId: string; cookie: string }>;
  close(): Promise<void>;
}

/** The real control plane on an ephemeral port, mailing through a real SMTP server. */
export async function startPortalHarness(
  options: { redis?: Redis; limiterKeyPrefix?: string } = {},
): Promise<PortalHarness> {
  const database = await createTestDatabase();
  const mailbox = await startMailbox();
  const mailer = smtpMailer({ url: mailbox.url, from: 'Portal <portal@example.test>' });
  let offsetMs = 0;
  const changeFeed: ChangeFeed = createChangeFeed(database.url);
  await changeFeed.ready;
  const dp = await createMachineToken(database.db, { kind: 'dataplane', name: 'portal tests' });
  const { app, base } = await listeningControlServer({
    changeFeed,
    db: database.db,
    consoleOrigins: [CONSOLE_ORIGIN],
    portalOrigins: [PORTAL_ORIGIN],
    portalUrl: PORTAL_URL,
    mailer,
    now: () => new Date(Date.now() + offsetMs),
    signInThrottle: new SignInThrottle(),
    ...(options.redis ? { redis: options.redis } : {}),
    ...(options.limiterKeyPrefix ? { limiterKeyPrefix: options.limiterKeyPrefix } : {}),
    // The built-in registry comes with Redis; its keys stay under this test's own prefix.
    ...(options.redis
      ? { registryKeyPrefix: `test-registry-${randomBytes(6).toString('hex')}` }
      : {}),
  });
  const ownerCookie = await setUpOwner(base, {
    email: 'owner@example.test',
    password: PASSWORD,
    name: 'Owner',
  });

  return {
    database,
    app,
    base,
    mailbox,
    ownerCookie,
    dpToken: dp.clear,
    advanceClock(ms) {
      offsetMs += ms;
    },
    async verifiedDeveloper(prefix = 'dev') {
      const email = `${prefix}-${randomBytes(4).toString('hex')}@example.test`;
      const since = mailbox.received.length;
      const signUp = await mutate(base, 'portal.auth.signUp', {
        email,
        password: PASSWORD,
        name: prefix,
      });
      const { user } = dataOf<{ user: { id: string } }>(signUp);
      const mail = await mailbox.waitFor(email, { since });
      const { token } = mailbox.linkIn(mail, 'verify-email');
      const verified = await mutate(
        base,
        'portal.auth.verifyEmail',
        { token },
        { origin: PORTAL_ORIGIN },
      );
      const cookie = sessionCookieFrom(verified.headers, PORTAL_COOKIE)?.pair ?? '';
      if (!cookie)
        throw new Error(`verification did not sign in: ${JSON.stringify(verified.body)}`);
      return { email, userId: user.id, cookie };
    },
    async close() {
      await app.close();
      await changeFeed.close();
      mailer.close();
      await mailbox.close();
      await database.drop();
    },
  };
}
