/**
 * Sustained throughput of the analytics worker into Postgres.
 *
 * 1. Fills a fresh queue (own BullMQ prefix on the local Redis) with EVENTS request events
 *    through the real gateway recorder, no worker running — this also measures record() cost.
 *    The events are spread over simulated seconds of GATEWAY_RATE requests each and the recorder
 *    is flushed once per simulated second, as a gateway's one-second flush interval does: each
 *    flush ships that second's aggregates plus its raw rows (every error and the default sample
 *    of successes per API).
 * 2. Starts the worker runtime (real BullMQ workers, CONCURRENCY batches at a time) on a fresh
 *    migrated database and times how long it takes until every event is in the rollups and the
 *    raw log. Bounded: gives up after MAX_SECONDS.
 * 3. Writes the figures as JSON to bench/results/.
 *
 * Run: npx tsx bench/analytics/worker-throughput.ts [events=200000] [concurrency=4] [batch=1000]
 *        [gatewayRate=18000]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAnalyticsRecorder } from '@portico/analytics';
import { createTestDatabase } from '@portico/db/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger } from '../../apps/worker/src/logger';
import { startWorkerRuntime } from '../../apps/worker/src/worker-runtime';
import { benchMachine } from './analytics-bench-machine';

const EVENTS = Number(process.argv[2] ?? 200_000);
const CONCURRENCY = Number(process.argv[3] ?? 4);
const BATCH = Number(process.argv[4] ?? 1_000);
/** Requests per simulated second of one gateway (one flush each). */
const GATEWAY_RATE = Number(process.argv[5] ?? 18_000);
const MAX_SECONDS = 300;
const REDIS_URL = 'redis://127.0.0.1:6379';

const APIS = 20;
const CONSUMERS = 200;

async function main() {
  const prefix = `{bench-analytics-${randomBytes(4).toString('hex')}}`;
  const database = await createTestDatabase();
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    const recorder = createAnalyticsRecorder({
      connection: REDIS_URL,
      prefix,
      nodeId: 'dpn_bench',
      batchMaxEvents: BATCH,
      maxBufferedEvents: Math.max(EVENTS, 100_000),
      logger: silentLogger,
    });
    const started = Date.now();
    // Built up front so the timed loop measures record() alone, as the gateway pays it.
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const consumer = i % CONSUMERS;
      const status = i % 50 === 0 ? 502 : i % 20 === 0 ? 404 : 200;
      return {
        time: started + Math.floor((i * 1_000) / GATEWAY_RATE),
        requestId: `req_bench_${i}`,
        apiId: `api_${consumer % APIS}`,
        routeId: `rte_${consumer % APIS}_${i % 3}`,
        serviceId: `svc_${consumer % APIS}`,
        instance: `127.0.0.1:${9000 + (i % 4)}`,
        consumerId: `con_${consumer}`,
        keyId: `key_${consumer}_${i % 2}`,
        method: i % 5 === 0 ? 'POST' : 'GET',
        status,
        totalMs: (i * 7) % 300,
        upstreamMs: (i * 7) % 290,
        bytesIn: 200,
        bytesOut: 1_500,
        clientIp: '127.0.0.1',
        errorCode: status === 502 ? 'GW_UPSTREAM_UNAVAILABLE' : null,
      };
    });
    let recordNs = 0;
    const enqueueStart = Date.now();
    for (let from = 0; from < EVENTS; from += GATEWAY_RATE) {
      const recordStart = process.hrtime.bigint();
      for (const event of events.slice(from, from + GATEWAY_RATE)) recorder.record(event);
      recordNs += Number(process.hrtime.bigint() - recordStart);
      await recorder.flush(120_000);
    }
    await recorder.close(120_000);
    const enqueueSeconds = (Date.now() - enqueueStart) / 1000;
    const stats = recorder.stats();
    if (stats.sent !== EVENTS)
      throw new Error(`only ${stats.sent} of ${EVENTS} events reached Redis`);

    const runtime = await startWorkerRuntime({
      db: database.db,
      connection,
      prefix,
      concurrency: CONCURRENCY,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      settings: { retentionDays: 7, compactAfterHours: 48, webhookSigningSecret: null },
      logger: silentLogger,
      schedules: false,
    });
    const workStart = Date.now();
    let counted = 0;
    while (Date.now() - workStart < MAX_SECONDS * 1000) {
      const [row] = await database.db.$queryRaw<
        { n: bigint }[]
      >`SELECT count(*)::bigint AS n FROM analytics_batches`;
      const batches = Number(row?.n ?? 0n);
      if (batches === stats.batchesSent) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const workSeconds = (Date.now() - workStart) / 1000;
    const [sum] = await database.db.$queryRaw<{ n: bigint; cells: bigint; log: bigint }[]>`
      SELECT (SELECT sum(count) FROM usage_minutes)::bigint AS n, (SELECT count(*) FROM usage_minutes)::bigint AS cells,
        (SELECT count(*) FROM request_log)::bigint AS log`;
    counted = Number(sum?.n ?? 0n);
    await runtime.close();
    const queue = new Queue('portico-analytics', { connection, prefix });
    const failed = await queue.getFailedCount();
    await queue.close();

    const result = {
      benchmark: 'analytics-worker-throughput',
      at: new Date().toISOString(),
      machine: benchMachine(),
      settings: {
        events: EVENTS,
        batchMaxEvents: BATCH,
        concurrency: CONCURRENCY,
        gatewayRate: GATEWAY_RATE,
        apis: APIS,
        consumers: CONSUMERS,
      },
      producer: {
        recordNsPerEvent: Math.round(recordNs / EVENTS),
        batchesSent: stats.batchesSent,
        enqueueSeconds,
        enqueueEventsPerSecond: Math.round(EVENTS / enqueueSeconds),
      },
      worker: {
        completed: counted === EVENTS,
        eventsCounted: counted,
        rollupCells: Number(sum?.cells ?? 0n),
        requestLogRows: Number(sum?.log ?? 0n),
        failedJobs: failed,
        seconds: workSeconds,
        eventsPerSecond: Math.round(counted / workSeconds),
        batchesPerSecond: Math.round((stats.batchesSent / workSeconds) * 10) / 10,
      },
      note: 'One process, local Postgres and Redis on the same 2-core machine; events are aggregated per flush as a gateway does, and only errors plus a per-API sample of successes land in the raw request log.',
    };
    const dir = fileURLToPath(new URL('../results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}analytics-worker-${result.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${file}\n`);
    if (counted !== EVENTS) process.exitCode = 1;
  } finally {
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    connection.disconnect();
    await database.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
