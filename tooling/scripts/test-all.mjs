#!/usr/bin/env node
// Runs every suite (unit, integration, end-to-end) and ends with one plain line,
// "N passed, N failed", summed over every workspace's Vitest JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The first line of a failure message, trimmed to what fits on a log line. */
function firstLine(message) {
  const line =
    String(message ?? '')
      .split('\n')
      .find((part) => part.trim() !== '') ?? '';
  return line.trim().slice(0, 300);
}

const root = new URL('../..', import.meta.url).pathname;
const workspaceDirs = ['apps', 'packages']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .concat([join(root, 'e2e')])
  .filter((dir) => existsSync(join(dir, 'package.json')));

for (const dir of workspaceDirs)
  rmSync(join(dir, '.test-results'), { recursive: true, force: true });

const concurrency = process.env.PORTICO_TEST_CONCURRENCY ?? '1';
// Reports are named after this run, so a single-file run elsewhere cannot stand in for ours.
const runId = `${Date.now()}-${process.pid}`;
const turbo = spawnSync(
  'npx',
  ['turbo', 'run', 'test', `--concurrency=${concurrency}`, '--continue', '--output-logs=full'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PORTICO_TEST_RUN_ID: runId } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
// Names of what failed, printed just above the summary line so a log's tail says what broke.
const failures = [];
for (const dir of workspaceDirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const report = join(dir, '.test-results', `vitest-${runId}.json`);
  if (!existsSync(report)) {
    missing.push(pkg.name);
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  failed += result.numFailedTests ?? 0;
  skipped += (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  for (const file of result.testResults ?? []) {
    const where = `${pkg.name} ${relative(dir, file.name)}`;
    const assertions = file.assertionResults ?? [];
    // A file that fails to load has no tests to count; count it as one failure so it shows.
    if (file.status === 'failed' && assertions.length === 0) {
      failed += 1;
      failures.push(`${where}: ${firstLine(file.message) || 'the file failed to load'}`);
    }
    for (const test of assertions) {
      if (test.status !== 'failed') continue;
      failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
  }
}
for (const name of missing) {
  console.error(`no test report from ${name}: counted as one failed suite`);
  failed += 1;
}
if (turbo.status !== 0 && failed === 0) {
  console.error(
    `turbo exited with ${turbo.status} although no test failed: counted as one failure`,
  );
  failed += 1;
}
if (failures.length > 0) {
  console.log('\nfailed:');
  for (const line of failures) console.log(`  ${line}`);
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
