import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testReportPath } from '../tooling/vitest/base';
import { AlphabeticalSequencer } from './stack/alphabetical-sequencer';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * One stack (database, Redis, control plane, gateway, worker, upstream, console) is brought up
 * by the global setup and shared by the specs, which run one file at a time in order. Reporters
 * mirror tooling/vitest/base.ts so `npm test` counts these results.
 */
export default defineConfig({
  root,
  test: {
    include: ['specs/**/*.spec.ts'],
    globalSetup: ['./stack/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    sequence: { concurrent: false, sequencer: AlphabeticalSequencer },
    reporters: ['default', 'json'],
    outputFile: { json: testReportPath(root) },
    pool: 'forks',
  },
});
