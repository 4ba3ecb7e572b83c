import { afterAll, beforeAll } from 'vitest';
import { type Ids, type OwnerCall, ownerCalls, seedCatalogue } from './portal-catalogue-fixture';
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

/** The harness and catalogue of a test file that runs on the seeded portal, once `beforeAll` ran. */
export class SeededPortal {
  private started: { harness: PortalHarness; ids: Ids } | undefined;
  /** Operator calls with the owner's session on this file's harness. */
  readonly asOwner: OwnerCall = ownerCalls(() => this.h);

  get h(): PortalHarness {
    return this.current().harness;
  }

  get ids(): Ids {
    return this.current().ids;
  }

  /** Called once the harness is up and the catalogue seeded. */
  seeded(harness: PortalHarness, ids: Ids): void {
    this.started = { harness, ids };
  }

  private current(): { harness: PortalHarness; ids: Ids } {
    if (this.started === undefined) throw new Error('the portal harness is read before beforeAll');
    return this.started;
  }
}

/** Starts one portal harness for the test file and seeds the catalogue the portal flows use. */
export function useSeededCatalogue(): SeededPortal {
  const portal = new SeededPortal();
  usePortalHarness(async (harness) => {
    portal.seeded(harness, await seedCatalogue(ownerCalls(() => harness)));
  });
  return portal;
}
