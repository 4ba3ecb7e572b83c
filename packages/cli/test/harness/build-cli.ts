import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Bundles the CLI exactly as `npm run build -w packages/cli` does, so the integration tests run
 * the artifact people run (bin/portico.mjs prefers dist/) and never a stale bundle.
 */
export async function buildCli(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ['../../tooling/scripts/build-node-app.mjs', 'src/main.ts', 'dist/portico.mjs'],
    { cwd: CLI_DIR },
  );
}
