import type { Db } from '@portico/db';
import { startControlPlane as startControlPlaneProcess } from '@portico/testkit';

export interface RunningControlPlane {
  url: string;
  /** The first owner's personal access token (PORTICO_BOOTSTRAP_TOKEN). */
  token: string;
  /** The control plane's own database, for asserting what was (not) written. */
  db: Db;
  /** Everything the control plane printed so far, to explain a failing test. */
  output(): string;
  /** Stops the process and drops its database. */
  stop(): Promise<void>;
}

/**
 * The real control plane as a child process on a fresh migrated database, exactly as an operator
 * would run it: a separate process rather than an import, so packages/cli never depends on an app.
 */
export async function startControlPlane(): Promise<RunningControlPlane> {
  const control = await startControlPlaneProcess();
  return {
    url: control.url,
    token: control.token,
    db: control.database.db,
    output: control.output,
    stop: control.close,
  };
}
