import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

const SCRIPT = join(REPO_ROOT, 'e2e/stack/registering-upstream.ts');

export interface RegisteredInstance {
  id: string;
  child: ChildProcess;
  kill(): Promise<void>;
}

/** Starts a self-registering instance process; resolves once it says it registered. */
export async function startRegisteredInstance(settings: {
  controlUrl: string;
  token: string;
  service: string;
  instanceId: string;
}): Promise<RegisteredInstance> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(settings)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${settings.instanceId} did not register`)),
      30_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('registered')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${settings.instanceId} exited with ${code}`)));
  });
  return {
    id: settings.instanceId,
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // A crash: no deregistration, so the gateway must notice on its own.
      child.kill('SIGKILL');
      await exited;
    },
  };
}
