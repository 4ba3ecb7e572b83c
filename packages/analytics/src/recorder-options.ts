import type { RedisConnectionSettings } from '@portico/config/redis';
import type { RedisOptions } from 'ioredis';
import { SuccessSampler } from './success-sampler';

/** pino-compatible subset, so the gateway can pass `app.log` as it is. */
export interface AnalyticsLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface AnalyticsRecorderOptions {
  /**
   * ioredis options, a redis:// URL, or the deployment's connection settings (a Redis Cluster
   * too); null disables analytics (events are discarded, counted).
   */
  connection: RedisConnectionSettings | RedisOptions | string | null;
  queueName?: string;
  /** BullMQ key prefix; must match the worker's. */
  prefix?: string;
  nodeId: string;
  /** Raw request-log rows held in memory at most, waiting or being sent; past it the oldest are dropped. */
  maxBufferedEvents?: number;
  /** Raw rows per batch at most. */
  batchMaxEvents?: number;
  flushIntervalMs?: number;
  anonymiseIp?: boolean;
  /** Successful requests logged raw per API and second (errors are always logged); 0 logs none. */
  logSuccessesPerSecond?: number;
  /** Rollup series (minute × dimensions) held in memory at most; requests past it are dropped, counted. */
  maxSeries?: number;
  /** Analytics jobs waiting in Redis past which the recorder holds its aggregates and sheds raw rows. */
  maxQueueBacklog?: number;
  /** Fraction of Redis `maxmemory` past which the recorder sheds likewise (0 < ratio <= 1). */
  redisMemoryShedRatio?: number;
  logger?: AnalyticsLogger;
}

/** The options with every default filled in and every bound checked. */
export interface RecorderSettings {
  nodeId: string;
  maxBufferedEvents: number;
  batchMaxEvents: number;
  flushIntervalMs: number;
  maxSeries: number;
  maxQueueBacklog: number;
  redisMemoryShedRatio: number;
  /** Built here so a bad `logSuccessesPerSecond` is refused even when analytics are disabled. */
  sampler: SuccessSampler;
  anonymiseIp: boolean;
  logger: AnalyticsLogger;
}

/** Fills in the defaults and refuses out-of-range options at construction, never per request. */
export function recorderSettings(options: AnalyticsRecorderOptions): RecorderSettings {
  const settings = {
    nodeId: options.nodeId,
    maxBufferedEvents: options.maxBufferedEvents ?? 100_000,
    batchMaxEvents: options.batchMaxEvents ?? 1_000,
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    maxSeries: options.maxSeries ?? 50_000,
    maxQueueBacklog: options.maxQueueBacklog ?? 10_000,
    redisMemoryShedRatio: options.redisMemoryShedRatio ?? 0.8,
    anonymiseIp: options.anonymiseIp ?? false,
    logger: options.logger ?? consoleLogger,
  };
  const { batchMaxEvents, maxBufferedEvents, maxSeries, maxQueueBacklog } = settings;
  if (!Number.isInteger(batchMaxEvents) || batchMaxEvents < 1)
    throw new RangeError('batchMaxEvents must be a positive integer');
  if (!Number.isInteger(maxBufferedEvents) || maxBufferedEvents < batchMaxEvents) {
    throw new RangeError('maxBufferedEvents must be an integer of at least batchMaxEvents');
  }
  if (!(settings.flushIntervalMs > 0)) throw new RangeError('flushIntervalMs must be positive');
  if (!Number.isInteger(maxSeries) || maxSeries < 1)
    throw new RangeError('maxSeries must be a positive integer');
  if (!Number.isInteger(maxQueueBacklog) || maxQueueBacklog < 1)
    throw new RangeError('maxQueueBacklog must be a positive integer');
  const ratio = settings.redisMemoryShedRatio;
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError('redisMemoryShedRatio must be in (0, 1]');
  const sampler = new SuccessSampler(options.logSuccessesPerSecond ?? 10);
  // Checked once here rather than on every event: every batch of this recorder carries it.
  if (settings.nodeId.length < 1 || settings.nodeId.length > 64)
    throw new RangeError('nodeId must be 1 to 64 characters');
  return { ...settings, sampler };
}

/** Where the recorder logs when given no logger of its own: the console. */
export const consoleLogger: AnalyticsLogger = {
  info: (details, message) => console.info(message, details),
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};
