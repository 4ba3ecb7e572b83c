/** What the bad-input test files share: the no-write check (their harness comes from file-harness). */
import type { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { type ApiHarness, databaseFingerprint, expectTrpcError } from './harness';

/** Runs a call that must fail with `code`, and proves the database is exactly as before. */
export async function refusedWithoutWrites(
  h: ApiHarness,
  call: () => Promise<unknown>,
  code: TRPCError['code'],
): Promise<TRPCError> {
  const before = await databaseFingerprint(h.db);
  const error = await expectTrpcError(call(), code);
  expect(await databaseFingerprint(h.db)).toEqual(before);
  return error;
}
