import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Where a workspace's JSON report goes. `npm test` sets PORTICO_TEST_RUN_ID so it reads only
 * the reports of its own run, never one left by a single-file run in between.
 */
export function testReportPath(workspaceRoot: string): string {
  const runId = process.env.PORTICO_TEST_RUN_ID;
  return `${workspaceRoot}.test-results/vitest${runId ? `-${runId}` : ''}.json`;
}

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
      outputFile: { json: testReportPath(root) },
      pool: 'forks',
    },
  });
}
