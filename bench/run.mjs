#!/usr/bin/env node
// `npm run bench [-- gateway|analytics] [-- --seconds 10 ...]`: runs the benchmark suites one after
// the other (they share the machine's cores, so never in parallel) and leaves JSON in bench/results/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = {
  gateway: 'bench/gateway/gateway-bench.ts',
  analytics: 'bench/analytics/worker-throughput.ts',
};
const args = process.argv.slice(2);
const chosen = args.filter((a) => a in suites);
const passThrough = args.filter((a) => !(a in suites));
let failed = false;
for (const name of chosen.length > 0 ? chosen : Object.keys(suites)) {
  const script = suites[name];
  if (!existsSync(new URL(`../${script}`, import.meta.url))) {
    console.log(`bench ${name}: ${script} not present, skipped`);
    continue;
  }
  console.log(`\n=== bench ${name} ===`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', script, ...(name === 'gateway' ? passThrough : [])],
    { cwd: root, stdio: 'inherit' },
  );
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
