import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * One Vitest setup for every workspace: the default reporter for people, plus a JSON report
 * per package that `npm test` sums into the final "N passed, N failed" line.
 */
export function definePorticoVitestConfig(
  configUrl: string,
  overrides: { testTimeoutMs?: number } = {},
) {
  const root = fileURLToPath(new URL('.', configUrl));
  return defineConfig({
    root,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeoutMs ?? 30_000,
      hookTimeout: 60_000,
      reporters: ['default', 'json'],
      outputFile: { json: `${root}.test-results/vitest.json` },
      pool: 'forks',
    },
  });
}
