import { describe, expect, it } from 'vitest';
import { answersPing, RedisServer, startRedisServer } from './redis-server';

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
});
