import type { AnalyticsLogger } from '@portico/analytics';

/** The pino-shaped calls a component's logger needs: details first, then the message. */
export type StructuredLog = AnalyticsLogger;

/**
 * A logger for components built before the gateway whose logger they should share (the analytics
 * recorder): it writes to `fallback` until `attach` hands it the gateway's own, then forwards
 * there, so their messages come out as the gateway's JSON lines and honour LOG_LEVEL.
 */
export function deferredLogger(fallback: StructuredLog): {
  readonly logger: StructuredLog;
  attach(target: StructuredLog): void;
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

/** Where a deferred logger writes before it is attached: stderr, as the components did alone. */
export const stderrLog: StructuredLog = {
  info: (details, message) => console.error(message, details),
  warn: (details, message) => console.error(message, details),
  error: (details, message) => console.error(message, details),
};
