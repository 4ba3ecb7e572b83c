import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { newId } from '@portico/id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCaller } from '../src/root';
import { smtpMailer } from '../src/services/mail/mailer';
import type { ApiContext } from '../src/trpc';
import { type ApiHarness, createApiHarness, uniqueName } from './harness';

let h: ApiHarness;
let closedPort: number;

/** A loopback port nothing listens on: bound, noted, released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  h = await createApiHarness();
  closedPort = await unusedPort();
});
afterAll(async () => {
  await h?.drop();
});

describe('portal mail when the SMTP server is down', () => {
  it('sign-up still creates the account, says the mail was not sent, and reports why', async () => {
    const failures: string[] = [];
    const mailer = smtpMailer({
      url: `smtp://127.0.0.1:${closedPort}`,
      from: 'Portal <portal@example.test>',
      onError: (error, message) =>
        failures.push(`${message.to}: ${error instanceof Error ? error.message : String(error)}`),
    });
    const ctx: ApiContext = {
      db: h.db,
      sessionSigningKey: randomBytes(32),
      secretKey: h.secretKey,
      now: () => new Date(),
      mailer,
      actor: null,
      requestId: newId('request'),
      clientIp: '127.0.0.1',
      userAgent: 'vitest',
      cookies: { setSession() {}, clearSession() {} },
    };
    const email = `${uniqueName('nomail')}@example.test`;
    const outcome = await createAppCaller(ctx).portal.auth.signUp({
      email,
      password: 'a long enough password',
      name: 'No Mail',
    });
    mailer.close();
    expect(outcome).toMatchObject({ next: 'verify_email', verificationMailSent: false });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(email);
    // The account waits for a resent link; nothing else about it changed.
    const user = await h.db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ emailVerifiedAt: null, status: 'active', kind: 'developer' });
    expect(await h.db.userToken.count({ where: { userId: user.id, usedAt: null } })).toBe(1);
  });
});
