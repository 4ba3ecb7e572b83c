/**
 * What recording request events costs the process that records them: time per `record()` call,
 * CPU time and the garbage collector's time, with batches really sent to the local Redis.
 *
 * Two phases over the same generated traffic, paced at `rate` events a second:
 * - baseline: each event is built (as the gateway builds it, an object literal with a fresh
 *   request id from the same id sequence) and handed to a sink that keeps nothing, alongside
 *   `garbage` bytes of short-lived allocation per event standing in for the rest of a request's
 *   work, so young-generation scavenges come about as often per request as in a busy gateway;
 * - recorder: the same, handed to a real recorder (default options: 100,000 events buffered at
 *   most, batches of 1,000, 1 s flush interval) whose batches go to Redis at 127.0.0.1:6379
 *   under a random BullMQ prefix. Waiting jobs are drained as the run goes (nothing consumes
 *   them) and every key under the prefix is deleted at the end.
 * The difference between the phases is what recording costs. GC figures come from V8's
 * GCProfiler: scavenge pauses and, less noisy on a shared machine than any pause time, the bytes
 * each scavenge promoted to the old generation or copied within the young one.
 *
 * Run: npx tsx packages/analytics/bench/record-bench.ts [--events=1000000] [--garbage=16384]
 *        [--rate=18000] [--recorder=../src/analytics-recorder] [--outage]
 * `--rate=0` records as fast as it can (the in-flight batch is then alive at almost every
 * scavenge, which a gateway at 18k requests/s does not see). `--recorder`, a module path
 * relative to this file, lets two versions of the recorder be compared in one checkout.
 * `--outage` points the recorder at a port where no Redis listens: its buffer fills up and then
 * holds the newest 100,000 events, as during a Redis outage.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { GCProfiler, type GCProfilerResult } from 'node:v8';
import { createIdSequence } from '@portico/id';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AnalyticsRecorder, RecordedRequest } from '../src/analytics-recorder';
import { ANALYTICS_QUEUE_NAME } from '../src/queue-names';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [name = '', value = ''] = arg.replace(/^--/, '').split('=');
    return [name, value];
  }),
);
const EVENTS = Number(args.get('events') ?? 1_000_000);
const GARBAGE_BYTES = Number(args.get('garbage') ?? 16_384);
const RATE = Number(args.get('rate') ?? 18_000);
const RECORDER_MODULE = args.get('recorder') ?? '../src/analytics-recorder';
/** Redis unreachable for the whole run: the buffer fills up and then drops its oldest events. */
const OUTAGE = args.has('outage');
const REDIS_URL = 'redis://127.0.0.1:6379';
/** Nothing listens on port 1 of the loopback: every send fails at once. */
const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';
/** Events recorded per event-loop turn: a gateway handles a few requests per turn under load. */
const PER_TURN = 64;
/** Keeps the producer from outrunning Redis: past this many buffered events it waits. */
const MAX_BACKLOG = 20_000;
/** Waiting jobs are deleted every this many batches, so the shared Redis never holds many. */
const DRAIN_EVERY_BATCHES = 50;

const APIS = Array.from({ length: 20 }, (_, i) => `api_${String(i).padStart(26, '0')}`);
const ROUTES = Array.from({ length: 60 }, (_, i) => `rte_${String(i).padStart(26, '0')}`);
const SERVICES = Array.from({ length: 20 }, (_, i) => `svc_${String(i).padStart(26, '0')}`);
const INSTANCES = Array.from({ length: 40 }, (_, i) => `10.0.${i >> 4}.${i & 15}:8080`);
const CONSUMERS = Array.from({ length: 500 }, (_, i) => `con_${String(i).padStart(26, '0')}`);
const KEYS = Array.from({ length: 1_000 }, (_, i) => `key_${String(i).padStart(26, '0')}`);
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
/** Per-connection addresses: the gateway reads them off the socket, shared by its requests. */
const CLIENT_IPS = Array.from({ length: 256 }, (_, i) =>
  i % 8 === 0 ? `2001:db8:${i.toString(16)}::${(i * 7).toString(16)}` : `198.51.${i >> 4}.${i}`,
);

interface GcTotals {
  /** Young-generation collections: their pauses and what they copied. */
  scavenges: number;
  scavengeMs: number;
  /** Bytes moved to the old generation: what mark-compact collections later have to deal with. */
  promotedBytes: number;
  /** Bytes copied within the young generation (survivors not yet promoted). */
  survivedBytes: number;
  /** Everything else: mark-compact, incremental marking, weak callbacks. */
  otherCount: number;
  otherMs: number;
}

interface PhaseResult {
  phase: string;
  events: number;
  /** Wall time inside the loops of record() calls, divided by events. */
  nsPerEvent: number;
  /** The median over turns of the same (a turn's calls ran into no pause or preemption). */
  medianNsPerEvent: number;
  /** Process CPU time for the whole phase (recording, cutting, encoding, sending), per event. */
  cpuNsPerEvent: number;
  gc: GcTotals;
  recorder?: ReturnType<AnalyticsRecorder['stats']>;
}

function spaceUsed(
  stats: GCProfilerResult['statistics'][number]['beforeGC'],
  ...names: string[]
): number {
  let used = 0;
  for (const space of stats.heapSpaceStatistics)
    if (names.includes(space.spaceName)) used += space.spaceUsedSize;
  return used;
}

function gcTotals(profile: GCProfilerResult): GcTotals {
  const totals: GcTotals = {
    scavenges: 0,
    scavengeMs: 0,
    promotedBytes: 0,
    survivedBytes: 0,
    otherCount: 0,
    otherMs: 0,
  };
  for (const gc of profile.statistics) {
    if (gc.gcType !== 'Scavenge') {
      totals.otherCount++;
      totals.otherMs += gc.cost / 1_000;
      continue;
    }
    totals.scavenges++;
    totals.scavengeMs += gc.cost / 1_000;
    // A scavenge only adds to the old spaces: their growth is what it promoted.
    totals.promotedBytes +=
      spaceUsed(gc.afterGC, 'old_space', 'large_object_space') -
      spaceUsed(gc.beforeGC, 'old_space', 'large_object_space');
    totals.survivedBytes += spaceUsed(gc.afterGC, 'new_space', 'new_large_object_space');
  }
  return totals;
}

/** A gateway-like stream of events; `makeEvent` allocates as the proxy handler does per request. */
function eventSource(): (i: number) => RecordedRequest {
  const nextRequestId = createIdSequence('request');
  const base = Date.now();
  return (i) => {
    const c = (i * 7919) % CONSUMERS.length;
    const api = c % APIS.length;
    const failed = i % 97 === 0;
    const limited = i % 53 === 0;
    const totalMs = 0.4 + ((i * 2654435761) % 100_000) / 3_000;
    return {
      time: base + Math.floor(i / 18),
      requestId: nextRequestId(),
      apiId: APIS[api] ?? null,
      routeId: ROUTES[(api * 3 + (i % 3)) % ROUTES.length] ?? null,
      serviceId: SERVICES[api] ?? null,
      instance: limited ? null : (INSTANCES[(api * 2 + (i & 1)) % INSTANCES.length] ?? null),
      consumerId: i % 11 === 0 ? null : (CONSUMERS[c] ?? null),
      keyId: i % 11 === 0 ? null : (KEYS[(c * 2 + (i & 1)) % KEYS.length] ?? null),
      method: METHODS[i % METHODS.length] ?? 'GET',
      status: limited ? 429 : failed ? 502 : 200,
      totalMs,
      upstreamMs: limited ? null : totalMs * 0.8,
      bytesIn: i % METHODS.length >= 3 ? 512 + (i % 2_000) : 0,
      bytesOut: limited ? 96 : 1_024 + (i % 30_000),
      clientIp: i % 29 === 0 ? null : (CLIENT_IPS[c % CLIENT_IPS.length] ?? null),
      errorCode: limited ? 'GW_QUOTA_EXCEEDED' : failed ? 'GW_UPSTREAM_ERROR' : null,
    };
  };
}

/** Short-lived allocation standing in for the rest of the work a request does. */
let garbageSink = 0;
function requestWork(bytes: number): void {
  let kept: unknown[] = [];
  for (let allocated = 0; allocated < bytes; allocated += 64) {
    // A five-element array: roughly 64 to 100 bytes depending on pointer compression.
    kept = [kept, allocated, allocated + 1, allocated + 2, allocated + 3];
  }
  garbageSink += kept.length;
}

async function runPhase(
  phase: string,
  sink: Pick<AnalyticsRecorder, 'record'>,
  afterTurn: () => Promise<void>,
  finish: () => Promise<void>,
): Promise<PhaseResult> {
  const makeEvent = eventSource();
  const turn: RecordedRequest[] = [];
  const profiler = new GCProfiler();
  profiler.start();
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  let recordNs = 0n;
  const turnNs = new Float64Array(Math.ceil(EVENTS / PER_TURN));
  let turns = 0;
  for (let i = 0; i < EVENTS; ) {
    const end = Math.min(EVENTS, i + PER_TURN);
    for (; i < end; i++) {
      turn.push(makeEvent(i));
      requestWork(GARBAGE_BYTES);
    }
    // Only the record() calls are timed; one clock read per turn keeps the clock's own cost out.
    const t = process.hrtime.bigint();
    for (const event of turn) sink.record(event);
    const ns = process.hrtime.bigint() - t;
    recordNs += ns;
    turnNs[turns++] = Number(ns) / turn.length;
    turn.length = 0;
    await afterTurn();
    if (RATE > 0) {
      const aheadMs = startedAt + (i * 1_000) / RATE - performance.now();
      if (aheadMs >= 1) await new Promise((resolve) => setTimeout(resolve, aheadMs));
    }
  }
  await finish();
  const cpu = process.cpuUsage(cpuBefore);
  const gc = gcTotals(profiler.stop());
  return {
    phase,
    events: EVENTS,
    nsPerEvent: Number(recordNs) / EVENTS,
    medianNsPerEvent: [...turnNs.slice(0, turns)].sort((a, b) => a - b)[Math.floor(turns / 2)] ?? 0,
    cpuNsPerEvent: ((cpu.user + cpu.system) * 1_000) / EVENTS,
    gc,
  };
}

async function deleteUnderPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

async function main(): Promise<void> {
  const { createAnalyticsRecorder } = (await import(
    RECORDER_MODULE
  )) as typeof import('../src/analytics-recorder');
  const prefix = `{bench-record-${randomBytes(6).toString('hex')}}`;
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(ANALYTICS_QUEUE_NAME, { connection: admin, prefix });
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const results: PhaseResult[] = [];
  try {
    results.push(
      await runPhase(
        'baseline (events built, nothing kept)',
        { record: () => undefined },
        () => nextTurn(),
        async () => undefined,
      ),
    );

    const recorder = createAnalyticsRecorder({
      connection: OUTAGE ? UNREACHABLE_REDIS_URL : REDIS_URL,
      prefix,
      nodeId: 'dpn_bench',
      logger: silent,
    });
    const deadline = Date.now() + 10_000;
    while (!OUTAGE && !recorder.stats().redisReady) {
      if (Date.now() > deadline) throw new Error('Redis at 127.0.0.1:6379 is not ready');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    let drainedAt = 0;
    let draining: Promise<void> | null = null;
    const drainJobs = () => {
      draining ??= queue.drain().finally(() => {
        draining = null;
      });
      return draining;
    };
    const result = await runPhase(
      OUTAGE ? 'recorder (Redis unreachable)' : 'recorder (batches sent to Redis)',
      recorder,
      async () => {
        await nextTurn();
        const { batchesSent } = recorder.stats();
        if (batchesSent - drainedAt >= DRAIN_EVERY_BATCHES) {
          drainedAt = batchesSent;
          void drainJobs();
        }
        while (!OUTAGE && recorder.stats().buffered > MAX_BACKLOG)
          await new Promise((resolve) => setTimeout(resolve, 1));
      },
      () => (OUTAGE ? Promise.resolve() : recorder.flush(60_000)),
    );
    result.recorder = recorder.stats();
    results.push(result);
    await recorder.close(OUTAGE ? 100 : 5_000);
    await drainJobs();
  } finally {
    await queue.close();
    const deleted = await deleteUnderPrefix(admin, prefix);
    admin.disconnect();
    console.error(`deleted ${deleted} Redis keys under ${prefix}`);
  }

  const [baseline, recording] = results;
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
  console.table(
    results.map((r) => ({
      phase: r.phase,
      'ns/record()': r.nsPerEvent.toFixed(1),
      'median ns/record()': r.medianNsPerEvent.toFixed(1),
      'cpu ns/event': r.cpuNsPerEvent.toFixed(0),
      'scavenges (n, ms)': `${r.gc.scavenges}, ${r.gc.scavengeMs.toFixed(0)} ms`,
      'promoted MB': mb(r.gc.promotedBytes),
      'copied in young gen MB': mb(r.gc.survivedBytes),
      'other GC (n, ms)': `${r.gc.otherCount}, ${r.gc.otherMs.toFixed(0)} ms`,
    })),
  );
  if (baseline && recording) {
    const perMillion = (value: number) => +((value * 1_000_000) / EVENTS).toFixed(1);
    console.log(
      JSON.stringify(
        {
          recorderModule: RECORDER_MODULE,
          events: EVENTS,
          garbageBytesPerEvent: GARBAGE_BYTES,
          ratePerSecond: RATE,
          recordNsPerCall: +(recording.nsPerEvent - baseline.nsPerEvent).toFixed(1),
          recordMedianNsPerCall: +(recording.medianNsPerEvent - baseline.medianNsPerEvent).toFixed(
            1,
          ),
          cpuNsPerEvent: +(recording.cpuNsPerEvent - baseline.cpuNsPerEvent).toFixed(1),
          promotedBytesPerEvent: +(
            (recording.gc.promotedBytes - baseline.gc.promotedBytes) /
            EVENTS
          ).toFixed(1),
          youngCopiedBytesPerEvent: +(
            (recording.gc.survivedBytes - baseline.gc.survivedBytes) /
            EVENTS
          ).toFixed(1),
          scavengeMsPerMillionEvents: perMillion(recording.gc.scavengeMs - baseline.gc.scavengeMs),
          otherGcMsPerMillionEvents: perMillion(recording.gc.otherMs - baseline.gc.otherMs),
          recorder: recording.recorder,
        },
        null,
        2,
      ),
    );
  }
  // Keeps the optimiser from discarding the stand-in request work.
  if (garbageSink < 0) console.log(garbageSink);
}

await main();
