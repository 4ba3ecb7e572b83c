/** What the bad-input test files share: one API harness per file, and the no-write check. */
import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Fixtures, fixtures } from './fixtures';
import { type ApiHarness, createApiHarness, databaseFingerprint, expectTrpcError } from './harness';

/** Creates the harness before the file's tests (handing it to `started`) and drops it after. */
export function useApiHarness(started: (h: ApiHarness, fx: Fixtures) => void): void {
  let harness: ApiHarness | undefined;
  beforeAll(async () => {
    harness = await createApiHarness();
    started(harness, fixtures(harness.db));
  });
  afterAll(async () => {
    await harness?.drop();
  });
}

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
