import { afterAll } from 'vitest';
import { type ConfigHarness, createConfigHarness } from './config-harness';
import { type Fixtures, fixtures } from './fixtures';
import { type ApiHarness, createApiHarness } from './harness';

/**
 * The file's API harness (fresh database, a user per role) and its fixtures, made while the file
 * loads (`const { h, fx } = await apiHarnessForFile();` at its top) and dropped after its tests.
 */
export async function apiHarnessForFile(): Promise<{ h: ApiHarness; fx: Fixtures }> {
  const h = await createApiHarness();
  afterAll(async () => {
    await h.drop();
  });
  return { h, fx: fixtures(h.db) };
}

/** The same for the config routers' harness: `const h = await configHarnessForFile();`. */
export async function configHarnessForFile(): Promise<ConfigHarness> {
  const h = await createConfigHarness();
  afterAll(async () => {
    await h.drop();
  });
  return h;
}
