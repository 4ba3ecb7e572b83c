import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { answersPing, freeRedisPort, RedisServer, startRedisServer } from './redis-server';

describe('RedisServer', () => {
  it('starts on its own port, pauses, resumes, stops and starts again on the same port', async () => {
    const redis = await startRedisServer();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await answersPing(redis.port)).toBe(true);
      redis.pause();
      expect(await answersPing(redis.port)).toBe(false);
      redis.resume();
      expect(await answersPing(redis.port)).toBe(true);
      await redis.stop();
      expect(await answersPing(redis.port)).toBe(false);
      await redis.start();
      expect(await answersPing(redis.port)).toBe(true);
    } finally {
      await redis.stop();
      await redis.stop();
    }
  });

  it('reserves a port without starting, and runs in cluster mode when asked', async () => {
    const reserved = await RedisServer.reserve();
    expect(await answersPing(reserved.port)).toBe(false);
    const cluster = await RedisServer.start({ cluster: true });
    try {
      expect(await answersPing(cluster.port)).toBe(true);
    } finally {
      await cluster.stop();
    }
  });

  it('takes its ports below the ephemeral range, with room for the cluster bus port', async () => {
    for (let i = 0; i < 5; i++) {
      const port = await freeRedisPort();
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port + 10_000).toBeLessThan(32_768);
    }
  });

  it('refuses to start where another redis-server answers, instead of using it', async () => {
    const restarted = await RedisServer.reserve();
    // Another suite's server took the port while this one was stopped.
    const other: ChildProcess = spawn(
      'redis-server',
      ['--port', String(restarted.port), '--bind', '127.0.0.1', '--save', ''],
      { stdio: 'ignore' },
    );
    try {
      for (let i = 0; i < 50 && !(await answersPing(restarted.port)); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(restarted.start()).rejects.toThrow(
        new RegExp(`port ${restarted.port} (is taken by another redis-server|taken)`),
      );
      // Nothing of the refused start is left running; the other server still answers.
      expect(await answersPing(restarted.port)).toBe(true);
    } finally {
      await restarted.stop();
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
  });
});
