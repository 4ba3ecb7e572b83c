/**
 * Micro-benchmark of the limiter through one Redis connection: `concurrency` callers check in a
 * loop for `seconds`, spread over `subjects` subjects, with a plan that has both a rate limit and a
 * quota (so every call runs the full script). Runs once with auto-pipelining and once without.
 *
 *   npx tsx src/limits/bench-limiter.ts [--port 6379 | --private-redis] [--seconds 5] [--concurrency 256] [--subjects 10000]
 *
 * `--private-redis` starts a redis-server of its own on a free loopback port, so the Redis CPU
 * per check (from INFO cpu) is the limiter's alone; on a shared server other clients pollute it.
 * Client CPU per check is this process's user+system time, harness included.
 *
 * Then, without Redis, it runs fail-open checks for ever-new subjects and prints the heap after
 * each round, to show the local limiter's memory stays flat (run node with --expose-gc, e.g.
 * `node --expose-gc --import tsx src/limits/bench-limiter.ts`, for exact heap figures).
 *
 * Only talks to 127.0.0.1. Uses a random key prefix and deletes its keys afterwards.
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createLimiter, limiterRedisOptions } from './index.js';
import { startRedisServer } from './testing/redis-server-process.js';
import { deleteLimiterKeys, randomKeyPrefix } from './testing/redis-test-prefix.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '6379' },
    'private-redis': { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '256' },
    subjects: { type: 'string', default: '10000' },
  },
});
const privateRedis = values['private-redis'] ? await startRedisServer() : null;
const port = privateRedis?.port ?? Number(values.port);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const subjectCount = Number(values.subjects);

const subjects = Array.from({ length: subjectCount }, (_, i) => `con_bench_${i}`);
const rateLimit = { requests: 1_000_000, per: 'second' as const };
const quota = { requests: 1_000_000_000, per: 'month' as const };

/**
 * EVALSHA calls and the time they took inside Redis (INFO commandstats), and the server's whole
 * CPU time in µs (INFO cpu: user + system, so parsing, replies and syscalls too), all clients.
 */
async function serverStats(redis: Redis): Promise<{ calls: number; usec: number; cpuUs: number }> {
  const [commandstats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(commandstats);
  const seconds = (name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return {
    calls: Number(match?.[1] ?? 0),
    usec: Number(match?.[2] ?? 0),
    cpuUs: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6,
  };
}

async function run(autoPipelining: boolean) {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    ...limiterRedisOptions,
    enableAutoPipelining: autoPipelining,
  });
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  const keyPrefix = randomKeyPrefix();
  const limiter = createLimiter({ redis, keyPrefix, budgetMs: 1_000 });
  const before = await serverStats(redis);
  const cpuBefore = process.cpuUsage();
  const latencies = new Float64Array(5_000_000);
  let count = 0;
  let denied = 0;
  const deadline = performance.now() + seconds * 1000;
  const startedAt = performance.now();
  const caller = async (offset: number) => {
    let i = offset;
    while (performance.now() < deadline && count < latencies.length) {
      const t = performance.now();
      const decision = await limiter.check({
        planId: 'pln_bench',
        subject: subjects[i % subjectCount] ?? 'con_bench',
        rateLimit,
        quota,
        failurePolicy: 'closed',
      });
      latencies[count++] = performance.now() - t;
      if (!decision.allowed) denied += 1;
      i += concurrency;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => caller(k)));
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const after = await serverStats(redis);
  const calls = Math.max(1, after.calls - before.calls);
  const serverUsPerCall = (after.usec - before.usec) / calls;
  // INFO itself costs the server a little; negligible next to count checks.
  const redisCpuUsPerCheck = (after.cpuUs - before.cpuUs) / Math.max(1, count);
  const clientCpuUsPerCheck = (cpu.user + cpu.system) / Math.max(1, count);
  const sorted = latencies.subarray(0, count).sort();
  const pct = (p: number) => sorted[Math.min(count - 1, Math.floor(count * p))] ?? 0;
  const fallbacks = [
    ...limiter.metricsText().matchAll(/^portico_limiter_unavailable_total\S* (\d+)$/gm),
  ]
    .map((m) => Number(m[1]))
    .reduce((a, b) => a + b, 0);
  console.log(
    `${autoPipelining ? 'auto-pipelining on ' : 'auto-pipelining off'}: ${Math.round(count / elapsedS)} checks/s ` +
      `(${count} in ${elapsedS.toFixed(2)} s, concurrency ${concurrency}), ` +
      `p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms, denied ${denied}, ` +
      `Redis ${serverUsPerCall.toFixed(1)} µs per EVALSHA (${(count / calls).toFixed(1)} checks each), ` +
      `Redis CPU ${redisCpuUsPerCheck.toFixed(1)} µs/check, client CPU ${clientCpuUsPerCheck.toFixed(1)} µs/check, ` +
      `budget fallbacks ${fallbacks}`,
  );
  await limiter.close();
  await deleteLimiterKeys(redis, keyPrefix);
  redis.disconnect();
}

async function outageMemory(rounds: number, checksPerRound: number) {
  const limiter = createLimiter({ redis: null, keyPrefix: 'bench' });
  const gc = (globalThis as { gc?: () => void }).gc;
  const heaps: string[] = [];
  let subject = 0;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < checksPerRound; i++) {
      await limiter.check({
        planId: 'pln_bench',
        subject: `ip:${subject++}`,
        rateLimit,
        quota,
        failurePolicy: 'open',
      });
    }
    gc?.();
    heaps.push((process.memoryUsage().heapUsed / 1_048_576).toFixed(1));
  }
  console.log(
    `fail-open without Redis: ${rounds} x ${checksPerRound} checks, each a new subject; heap MB after each round` +
      `${gc === undefined ? ' (no --expose-gc, includes garbage)' : ''}: ${heaps.join(', ')}`,
  );
}

await run(true);
await run(false);
await privateRedis?.stop();
await outageMemory(6, 100_000);
