import type { AnalyticsLogger } from '@portico/analytics';

/**
 * A logger for components built before the gateway whose logger they should share (the analytics
 * recorder): it writes to `fallback` until `attach` hands it the gateway's own, then forwards
 * there, so their messages come out as the gateway's JSON lines and honour LOG_LEVEL.
 */
export function deferredLogger(fallback: AnalyticsLogger): {
  readonly logger: AnalyticsLogger;
  attach(target: AnalyticsLogger): void;
} {
  let target = fallback;
  return {
    logger: {
      info: (details, message) => target.info(details, message),
      warn: (details, message) => target.warn(details, message),
      error: (details, message) => target.error(details, message),
    },
    attach(next) {
      target = next;
    },
  };
}
