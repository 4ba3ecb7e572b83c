import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitWithin, runToCompletion, startProcess } from './child-process';
import { waitFor } from './wait-for';

const node = (script: string) => [process.execPath, ['-e', script]] as const;

describe('startProcess', () => {
  it('keeps what the process prints and says when it has exited', async () => {
    const [command, args] = node('console.log("hello"); console.error("oops"); process.exit(3)');
    const running = startProcess('talker', command, [...args], { cwd: tmpdir(), env: {} });
    expect(await running.exited).toBe(3);
    expect(running.output()).toContain('hello');
    expect(running.output()).toContain('oops');
    expect(() => running.assertRunning()).toThrow(/talker exited with 3:\nhello/);
  });

  it('passes only PATH and the given environment unless told to inherit', async () => {
    process.env.PORTICO_TESTKIT_PROBE = 'outer';
    const script = "console.log(process.env.PORTICO_TESTKIT_PROBE + '/' + process.env.GIVEN)";
    const [command, args] = node(script);
    const clean = startProcess('clean', command, [...args], { cwd: tmpdir(), env: { GIVEN: 'g' } });
    await clean.exited;
    expect(clean.output().trim()).toBe('undefined/g');
    const inherited = startProcess('inherited', command, [...args], {
      cwd: tmpdir(),
      env: { GIVEN: 'g' },
      inheritEnv: true,
    });
    await inherited.exited;
    expect(inherited.output().trim()).toBe('outer/g');
    delete process.env.PORTICO_TESTKIT_PROBE;
  });

  it('stops a running process and writes its output to the log file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portico-testkit-'));
    try {
      const logFile = join(dir, 'logs', 'sleeper.log');
      const [command, args] = node('console.log("up"); setInterval(() => {}, 1000)');
      const running = startProcess('sleeper', command, [...args], { cwd: dir, env: {}, logFile });
      await waitFor('the sleeper up', () => running.output().includes('up'), 10_000);
      running.assertRunning();
      await running.stop();
      await running.stop();
      expect(running.child.signalCode).toBe('SIGTERM');
      await waitFor('the log written', async () => (await readFile(logFile, 'utf8')) === 'up\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('exitWithin', () => {
  it('answers the exit code of a process that exits in time', async () => {
    const [command, args] = node('setTimeout(() => process.exit(4), 50)');
    const running = startProcess('quick', command, [...args], { cwd: tmpdir(), env: {} });
    expect(await exitWithin(running, 10_000)).toBe(4);
  });

  it('kills a process that does not exit in time and fails naming it and its last output', async () => {
    const [command, args] = node('console.log("stuck in close"); setInterval(() => {}, 1000)');
    const running = startProcess('hanger', command, [...args], { cwd: tmpdir(), env: {} });
    await waitFor('the hanger up', () => running.output().includes('stuck'), 10_000);
    await expect(exitWithin(running, 200)).rejects.toThrow(
      /hanger did not exit within 200 ms; its last output:\nstuck in close/,
    );
    await running.exited;
    expect(running.child.signalCode).toBe('SIGKILL');
  });
});

describe('runToCompletion', () => {
  it('resolves on exit code 0 and rejects with the output otherwise', async () => {
    const [ok, okArgs] = node('process.exit(0)');
    await runToCompletion('ok', ok, [...okArgs], { cwd: tmpdir(), env: {} });
    const [bad, badArgs] = node('console.log("broken"); process.exit(2)');
    await expect(
      runToCompletion('bad', bad, [...badArgs], { cwd: tmpdir(), env: {} }),
    ).rejects.toThrow(/bad exited with 2:\nbroken/);
  });
});
