import { afterAll, beforeAll } from 'vitest';
import { type ConfigHarness, createConfigHarness } from './config-harness';
import { type Fixtures, fixtures } from './fixtures';
import { type ApiHarness, createApiHarness } from './harness';

/**
 * Gives the file's tests one API harness (fresh database, a user per role) and its fixtures,
 * created before them and dropped after them; `use` stores them where the tests read them.
 */
export function withApiHarness(use: (harness: ApiHarness, fx: Fixtures) => void): void {
  let harness: ApiHarness | undefined;
  beforeAll(async () => {
    harness = await createApiHarness();
    use(harness, fixtures(harness.db));
  });
  afterAll(async () => {
    await harness?.drop();
  });
}

/** The same for the config routers' harness. */
export function withConfigHarness(use: (harness: ConfigHarness) => void): void {
  let harness: ConfigHarness | undefined;
  beforeAll(async () => {
    harness = await createConfigHarness();
    use(harness);
  });
  afterAll(async () => {
    await harness?.drop();
  });
}
