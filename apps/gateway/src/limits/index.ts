/**
 * Plan rate limits and quotas for the gateway's hot path.
 *
 * Usage (built once in main, one dedicated Redis connection per process):
 *
 *   const redis = new Redis(redisUrl, limiterRedisOptions);
 *   const limiter = createLimiter({ redis, keyPrefix: 'portico:rl' });
 *   // Per request, from an object that implements LimitWaiter (no closure per request):
 *   limiter.submit({ planId, subject, rateLimit, quota, failurePolicy }, exchange);
 *   // exchange.onLimitDecision(decision), exactly once, possibly before submit returns:
 *   reply.headers(decision.headers); // on every limited response, admitted or not
 *   if (!decision.allowed) {
 *     // reason 'rate_limit' -> 429 GW_RATE_LIMITED, 'quota' -> 429 GW_QUOTA_EXCEEDED,
 *     // 'unavailable' -> 503 GW_LIMITER_UNAVAILABLE; decision.detail is the problem detail.
 *   }
 *   statusServer: limiter.metricsText() appended to /metrics.
 *
 * `submit` never throws and answers within `budgetMs` (default 50) whatever Redis does; plans
 * without limits are answered at once with no headers. `check(req)` is the same as a Promise.
 */
export { limiterRedisOptions } from './limiter-redis-options.js';
export type {
  LimitCheck,
  LimitDecision,
  Limiter,
  LimiterOptions,
  LimitReason,
  LimitWaiter,
} from './limiter-types.js';
export { createLimiter } from './redis-limiter.js';
