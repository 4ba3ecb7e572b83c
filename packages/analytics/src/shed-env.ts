import { z } from 'zod';

/**
 * The bounds past which gateways hold analytics back and shed raw rows, as environment
 * variables. Gateways act on them; the control plane reads the same two to tell operators when
 * the gateways shed, so both parse them with this one definition.
 */
export const analyticsShedEnv = {
  /** Waiting and delayed analytics jobs past which gateways stop adding jobs. */
  PORTICO_ANALYTICS_MAX_QUEUE_BACKLOG: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(10_000),
  /** Fraction of Redis `maxmemory` past which gateways shed likewise. */
  PORTICO_ANALYTICS_REDIS_MEMORY_SHED_RATIO: z.coerce.number().gt(0).max(1).default(0.8),
};
