import { join } from 'node:path';

export { REPO_ROOT } from '@portico/testkit';

export const E2E_ROOT = new URL('..', import.meta.url).pathname;
export const RESULTS_DIR = join(E2E_ROOT, 'test-results');

/** Where a part of the stack writes its output, so a failed run can be read afterwards. */
export function logFile(name: string): string {
  return join(RESULTS_DIR, 'logs', `${name}.log`);
}
