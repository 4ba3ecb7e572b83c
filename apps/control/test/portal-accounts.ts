/** Account helpers of the portal identity tests: unique addresses and the sign-up mode. */
import { expect } from 'vitest';
import { mutate } from './http-client';
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
