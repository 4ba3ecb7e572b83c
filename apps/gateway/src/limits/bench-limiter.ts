/**
 * Micro-benchmark of the limiter through one Redis connection: `concurrency` callers check in a
 * loop for `seconds`, spread over `subjects` subjects, with a plan that has both a rate limit and a
 * quota (so every check runs the full script). Each caller either awaits `check` in a loop or is
 * a `LimitWaiter` that submits its next check from `onLimitDecision` (how the proxy uses it);
 * both run with auto-pipelining on and off.
 *
 *   npx tsx src/limits/bench-limiter.ts [--port 6379 | --private-redis] [--seconds 5] [--concurrency 256] [--subjects 10000]
 *     [--api check|submit|both] [--pipelining on|off|both] [--no-outage]
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
import { startRedisServer } from '@portico/testkit';
import { Redis } from 'ioredis';
import {
  createLimiter,
  type LimitDecision,
  type Limiter,
  type LimitWaiter,
  limiterRedisOptions,
} from './index.js';
import { deleteLimiterKeys, randomKeyPrefix } from './testing/redis-test-prefix.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '6379' },
    'private-redis': { type: 'boolean', default: false },
    api: { type: 'string', default: 'both' },
    pipelining: { type: 'string', default: 'both' },
    'no-outage': { type: 'boolean', default: false },
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
 * EVAL and EVALSHA calls and the time they took inside Redis (INFO commandstats), and the
 * server's whole CPU time in µs (INFO cpu: user + system, so parsing, replies and syscalls too),
 * all clients.
 */
async function serverStats(redis: Redis): Promise<{ calls: number; usec: number; cpuUs: number }> {
  const [commandstats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  let calls = 0;
  let usec = 0;
  for (const m of commandstats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+),usec=(\d+)/gm)) {
    calls += Number(m[1]);
    usec += Number(m[2]);
  }
  const seconds = (name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, usec, cpuUs: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6 };
}

/** Records one latency; false once the run is over. */
type RecordCheck = (latencyMs: number, allowed: boolean) => boolean;

/** A caller that submits its next check from the waiter callback, as the proxy does. */
class WaiterCaller implements LimitWaiter {
  #i: number;
  #startedAt = 0;
  #submitting = false;

  constructor(
    offset: number,
    private readonly limiter: Limiter,
    private readonly record: RecordCheck,
    private readonly done: () => void,
  ) {
    this.#i = offset;
  }

  next(): void {
    this.#startedAt = performance.now();
    this.#submitting = true;
    this.limiter.submit(
      {
        planId: 'pln_bench',
        subject: subjects[this.#i % subjectCount] ?? 'con_bench',
        rateLimit,
        quota,
        failurePolicy: 'closed',
      },
      this,
    );
    this.#submitting = false;
    this.#i += concurrency;
  }

  onLimitDecision(decision: LimitDecision): void {
    const more = this.record(performance.now() - this.#startedAt, decision.allowed);
    if (!more) this.done();
    // A decision taken inside submit (a fallback) must not recurse without bound.
    else if (this.#submitting) setImmediate(() => this.next());
    else this.next();
  }
}

async function run(autoPipelining: boolean, api: 'check' | 'submit') {
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
  const record: RecordCheck = (latencyMs, allowed) => {
    latencies[count++] = latencyMs;
    if (!allowed) denied += 1;
    return performance.now() < deadline && count < latencies.length;
  };
  const caller = async (offset: number) => {
    let i = offset;
    let more = true;
    while (more) {
      const t = performance.now();
      const decision = await limiter.check({
        planId: 'pln_bench',
        subject: subjects[i % subjectCount] ?? 'con_bench',
        rateLimit,
        quota,
        failurePolicy: 'closed',
      });
      more = record(performance.now() - t, decision.allowed);
      i += concurrency;
    }
  };
  if (api === 'check') {
    await Promise.all(Array.from({ length: concurrency }, (_, k) => caller(k)));
  } else {
    await new Promise<void>((resolve) => {
      let running = concurrency;
      const done = () => {
        running -= 1;
        if (running === 0) resolve();
      };
      for (let k = 0; k < concurrency; k++) new WaiterCaller(k, limiter, record, done).next();
    });
  }
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
    `${api.padEnd(6)} auto-pipelining ${autoPipelining ? 'on ' : 'off'}: ${Math.round(count / elapsedS)} checks/s ` +
      `(${count} in ${elapsedS.toFixed(2)} s, concurrency ${concurrency}), ` +
      `p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms, denied ${denied}, ` +
      `Redis ${serverUsPerCall.toFixed(1)} µs per call (${(count / calls).toFixed(1)} checks each), ` +
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

for (const api of ['check', 'submit'] as const) {
  if (values.api !== 'both' && values.api !== api) continue;
  for (const pipelining of [true, false]) {
    if (values.pipelining !== 'both' && values.pipelining !== (pipelining ? 'on' : 'off')) continue;
    await run(pipelining, api);
  }
}
await privateRedis?.stop();
if (!values['no-outage']) await outageMemory(6, 100_000);
