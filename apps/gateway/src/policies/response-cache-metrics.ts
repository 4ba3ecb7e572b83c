import { familyHeader, singleSample } from '../status/prometheus-text';
/** Counters of one response cache store, kept as plain numbers so the hot path builds nothing. */
export interface ResponseCacheCounters {
  /** Lookups answered from the store. */
  hits: number;
  /** Lookups that found nothing usable (absent, expired, forced by the client, unavailable). */
  misses: number;
  /** Entries written (memory) or sent to Redis and acknowledged. */
  stores: number;
  /** Responses that qualified for storing but the store could not take (Redis down or failing). */
  storeErrors: number;
  /** Lookups Redis could not answer within the budget or at all; each is also a miss. */
  unavailable: number;
}

function counters(): ResponseCacheCounters {
  return { hits: 0, misses: 0, stores: 0, storeErrors: 0, unavailable: 0 };
}

/** Gauges read when the metrics are rendered. */
export interface ResponseCacheGauges {
  memoryEntries: number;
  memoryBytes: number;
  /** Body bytes sent to Redis whose write has not been answered yet. */
  redisPendingWriteBytes: number;
}

const COUNTERS: readonly {
  field: keyof ResponseCacheCounters;
  name: string;
  help: string;
}[] = [
  {
    field: 'hits',
    name: 'portico_response_cache_hits_total',
    help: 'Lookups answered from the store.',
  },
  {
    field: 'misses',
    name: 'portico_response_cache_misses_total',
    help: 'Lookups that found no fresh entry, including those forced by a client no-cache.',
  },
  { field: 'stores', name: 'portico_response_cache_stores_total', help: 'Responses stored.' },
  {
    field: 'storeErrors',
    name: 'portico_response_cache_store_errors_total',
    help: 'Cacheable responses the store could not take (Redis down, backlogged or failing).',
  },
  {
    field: 'unavailable',
    name: 'portico_response_cache_unavailable_total',
    help: 'Lookups the store could not answer within its budget; each counts as a miss too.',
  },
];

/**
 * The response cache counters of one gateway process, per store kind. Both stores share one
 * object so `/metrics` renders each metric family once, with a `store` label.
 */
export class ResponseCacheMetrics {
  readonly memory = counters();
  readonly redis = counters();

  /** Prometheus text for both stores; `gauges` come from the stores at render time. */
  metricsText(gauges: ResponseCacheGauges): string {
    const lines: string[] = [];
    for (const { field, name, help } of COUNTERS) {
      lines.push(
        ...familyHeader(name, 'counter', `${help}`),
        `${name}{store="memory"} ${this.memory[field]}`,
        `${name}{store="redis"} ${this.redis[field]}`,
      );
    }
    lines.push(
      ...singleSample(
        'portico_response_cache_memory_entries',
        'gauge',
        'Entries held by the in-memory response cache.',
        gauges.memoryEntries,
      ),
      ...singleSample(
        'portico_response_cache_memory_bytes',
        'gauge',
        'Bytes (bodies and headers) held by the in-memory response cache.',
        gauges.memoryBytes,
      ),
      ...singleSample(
        'portico_response_cache_redis_pending_write_bytes',
        'gauge',
        'Body bytes sent to Redis and not yet acknowledged.',
        gauges.redisPendingWriteBytes,
      ),
    );
    return `${lines.join('\n')}\n`;
  }
}
