#!/usr/bin/env node
// `npm run bench [-- gateway|analytics|soak] [-- --seconds 10 ...]`: runs the benchmark suites one
// after the other (they share the machine's cores, so never in parallel) and leaves JSON in
// bench/results/. Flags after the suite names go to the gateway and soak suites. The soak suite
// runs for minutes (10 by default), so it runs only when named: `npm run bench -- soak`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = {
  gateway: { script: 'bench/gateway/gateway-bench.ts', takesFlags: true, byDefault: true },
  analytics: { script: 'bench/analytics/worker-throughput.ts', takesFlags: false, byDefault: true },
  soak: { script: 'bench/gateway/gateway-soak.ts', takesFlags: true, byDefault: false },
  auth: { script: 'bench/gateway/auth-bench.ts', takesFlags: true, byDefault: false },
  protocol: { script: 'bench/gateway/protocol-bench.ts', takesFlags: true, byDefault: false },
};
const isSuite = (arg) => Object.hasOwn(suites, arg);
const args = process.argv.slice(2);
const chosen = args.filter(isSuite);
const passThrough = args.filter((a) => !isSuite(a));
const names =
  chosen.length > 0 ? chosen : Object.keys(suites).filter((name) => suites[name].byDefault);
// Ctrl-C reaches the running suite too (same process group): instead of exiting first and leaving
// it to finish on its own, wait for it to clean up its children, then stop without the next suite.
process.on('SIGINT', () => undefined);
let failed = false;
for (const name of names) {
  const { script, takesFlags } = suites[name];
  if (!existsSync(new URL(`../${script}`, import.meta.url))) {
    console.log(`bench ${name}: ${script} not present, skipped`);
    continue;
  }
  console.log(`\n=== bench ${name} ===`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', script, ...(takesFlags ? passThrough : [])],
    { cwd: root, stdio: 'inherit' },
  );
  if (run.status === 130 || run.signal === 'SIGINT') process.exit(130);
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
