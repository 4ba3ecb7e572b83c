/** Account helpers of the portal identity tests: unique addresses and the sign-up mode. */
import { expect } from 'vitest';
import { dataOf, mutate } from './http-client';
import type { PortalHarness } from './portal-harness';

/** An address no other test uses, so tests on one control plane never collide. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}@example.test`;
}

/** Sets the portal's sign-up mode as the owner does in the console. */
export async function setSignUpMode(
  h: PortalHarness,
  mode: 'open' | 'approval' | 'invite',
): Promise<void> {
  const reply = await mutate(
    h.base,
    'portalAdmin.settings.update',
    { signUpMode: mode },
    { cookie: h.ownerCookie },
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

/**
 * Runs `body` with the portal in sign-up mode `mode`, and puts it back to open afterwards even
 * when the body fails, so the next test starts from the default.
 */
export async function inSignUpMode(
  h: PortalHarness,
  mode: 'approval' | 'invite',
  body: () => Promise<void>,
): Promise<void> {
  await setSignUpMode(h, mode);
  try {
    await body();
  } finally {
    await setSignUpMode(h, 'open');
  }
}

/** Asks for a password reset for `email` and returns the token of the link mailed for it. */
export async function resetToken(h: PortalHarness, email: string): Promise<string> {
  const since = h.mailbox.received.length;
  await mutate(h.base, 'portal.auth.forgotPassword', { email });
  return h.mailbox.linkIn(await h.mailbox.waitFor(email, { since }), 'reset-password').token;
}

/** Creates an app as a signed-in developer, as the portal's "new app" form does. */
export async function createApp(
  h: PortalHarness,
  developer: { cookie: string },
  name: string,
): Promise<{ id: string }> {
  return dataOf<{ id: string }>(
    await mutate(h.base, 'portal.apps.create', { name }, { cookie: developer.cookie }),
  );
}
