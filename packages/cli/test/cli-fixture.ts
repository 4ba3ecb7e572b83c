/**
 * The CLI against a real control plane, as the integration tests drive it: one control plane
 * process and one working directory per test file, the built `portico` binary run in it, and the
 * control plane's output printed when a test fails.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureValue } from '@portico/testkit';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { buildCli } from './harness/build-cli';
import { type RunningControlPlane, startControlPlane } from './harness/control-plane';
import { type PorticoRun, runPortico } from './harness/run-portico';

/** The example configuration the docs ship, applied by the tests as an operator would. */
export const EXAMPLE = new URL('../../../examples/portico.yaml', import.meta.url);

/** A started control plane and a working directory; valid from `beforeAll` on. */
export class CliFixture {
  #control: RunningControlPlane | undefined;
  #workDir: string | undefined;

  get control(): RunningControlPlane {
    return fixtureValue(this.#control, 'the control plane is not started yet');
  }

  get workDir(): string {
    return fixtureValue(this.#workDir, 'the working directory is not made yet');
  }

  async start(): Promise<void> {
    [this.#control, this.#workDir] = await Promise.all([
      startControlPlane(),
      mkdtemp(join(tmpdir(), 'portico-cli-')),
      buildCli(),
    ]).then(([c, dir]) => [c, dir] as const);
  }

  async stop(): Promise<void> {
    await this.#control?.stop();
    if (this.#workDir) await rm(this.#workDir, { recursive: true, force: true });
  }

  /** Everything the control plane printed so far, or a note that it never started. */
  output(): string {
    return this.#control?.output() ?? '(not started)';
  }

  /** Runs `portico args` in the working directory with the owner's token unless given another. */
  portico(
    args: string[],
    token: string | undefined = this.control.token,
    env: Record<string, string> = {},
  ): Promise<PorticoRun> {
    return runPortico(args, {
      url: this.control.url,
      cwd: this.workDir,
      env,
      ...(token === undefined ? {} : { token }),
    });
  }

  /** Writes `content` to `name` in the working directory and returns the name to pass to -f. */
  async writeWorkFile(name: string, content: string): Promise<string> {
    await writeFile(join(this.workDir, name), content, 'utf8');
    return name;
  }

  versionCount(): Promise<number> {
    return this.control.db.configVersion.count();
  }
}

/** A fixture for this test file: started before its tests, stopped after them. */
export function useCliFixture(): CliFixture {
  const cli = new CliFixture();
  beforeAll(() => cli.start(), 120_000);
  afterEach((context) => {
    if (context.task.result?.state === 'fail') {
      console.error(`control plane output so far:\n${cli.output()}`);
    }
  });
  afterAll(() => cli.stop());
  return cli;
}

/** The example file with the orders service's timeouts changed and one service added. */
export async function changedExample(): Promise<string> {
  const document = parseYaml(await readFile(EXAMPLE, 'utf8')) as {
    services: Array<Record<string, unknown>>;
  };
  const orders = document.services.find((s) => s.name === 'orders');
  if (!orders) throw new Error('example lost its orders service');
  orders.timeouts = { connectMs: 500, firstByteMs: 10_000, totalMs: 30_000 };
  document.services.push({ name: 'audit-sink', targets: ['127.0.0.1:9100'] });
  return toYaml(document);
}
