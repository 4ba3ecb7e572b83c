import { pruneCredentialLog } from '@portico/api';
import type { Db } from '@portico/db';

/** Once an hour is plenty: the log only needs to cover gateways that were briefly away. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/**
 * A gateway further behind than this gets a full credential set instead of a delta (see
 * computeSyncAnswer), so the only cost of pruning is a larger answer for a node away a week.
 */
export const PRUNE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface CredentialLogPrunerOptions {
  db: Pick<Db, '$executeRaw'>;
  intervalMs?: number;
  retentionMs?: number;
  now?: () => Date;
  onPruned?: (deleted: number) => void;
  onError?: (error: unknown) => void;
}

export interface CredentialLogPruner {
  /** Prunes now (waits for a run already under way instead of starting a second one). */
  runOnce(): Promise<number>;
  /** Stops the timer; a run under way finishes on its own. */
  stop(): void;
}

/**
 * Deletes credential log entries older than the retention on an interval, keeping the newest
 * entry. The timer is unref'd so it never keeps the process alive on its own.
 */
export function startCredentialLogPruner(options: CredentialLogPrunerOptions): CredentialLogPruner {
  const intervalMs = options.intervalMs ?? PRUNE_INTERVAL_MS;
  const retentionMs = options.retentionMs ?? PRUNE_RETENTION_MS;
  const now = options.now ?? (() => new Date());
  let running: Promise<number> | null = null;

  const runOnce = (): Promise<number> => {
    running ??= pruneCredentialLog(options.db, new Date(now().getTime() - retentionMs))
      .then((deleted) => {
        if (deleted > 0) options.onPruned?.(deleted);
        return deleted;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => {
    runOnce().catch((error: unknown) => options.onError?.(error));
  }, intervalMs);
  timer.unref();

  return {
    runOnce,
    stop: () => clearInterval(timer),
  };
}
