export { limiterRedisOptions } from './limiter-redis-options.js';
export type {
  LimitCheck,
  LimitDecision,
  Limiter,
  LimiterOptions,
  LimitReason,
} from './limiter-types.js';
export { createLimiter } from './redis-limiter.js';
