import { afterAll, beforeAll } from 'vitest';
import { type PortalHarness, startPortalHarness } from './portal-harness';

/**
 * Starts one portal harness before the test file's tests, hands it to `started` (which may seed
 * it), and closes it after them.
 */
export function usePortalHarness(started: (h: PortalHarness) => Promise<void> | void): void {
  let harness: PortalHarness | undefined;
  beforeAll(async () => {
    harness = await startPortalHarness();
    await started(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });
}
