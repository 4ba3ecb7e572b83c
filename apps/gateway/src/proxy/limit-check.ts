import type { Authenticated } from '../auth/auth-outcome';
import type { CompiledApi } from '../config/compiled-config';
import type { GatewayErrorCode } from '../errors/gateway-errors';
import type { LimitCheck, LimitReason } from '../limits/index';

/**
 * The limit check one request (or one MCP tool call) makes: the plan's rate limit and quota for
 * a consumer, the API's anonymous rate limit per client address otherwise; null when nothing
 * limits it.
 */
export function limitCheckFor(
  outcome: Authenticated,
  entry: CompiledApi,
  clientIp: string,
): LimitCheck | null {
  const plan = outcome.plan?.plan ?? null;
  if (plan !== null && (plan.rateLimit !== null || plan.quota !== null)) {
    return {
      planId: plan.id,
      subject: outcome.consumer?.id ?? `ip:${clientIp}`,
      rateLimit: plan.rateLimit,
      quota: plan.quota,
      failurePolicy: plan.redisFailurePolicy,
    };
  }
  if (outcome.consumer === null && entry.api.policies.anonymousRateLimit !== undefined) {
    return {
      planId: `anon:${entry.api.id}`,
      subject: `ip:${clientIp}`,
      rateLimit: entry.api.policies.anonymousRateLimit,
      quota: null,
      failurePolicy: 'open',
    };
  }
  return null;
}

/** The gateway error a limiter refusal is answered with. */
export function limitRefusalCode(reason: LimitReason | null): GatewayErrorCode {
  switch (reason) {
    case 'quota':
      return 'GW_QUOTA_EXCEEDED';
    case 'unavailable':
      return 'GW_LIMITER_UNAVAILABLE';
    case 'rate_limit':
    case null:
      return 'GW_RATE_LIMITED';
    default:
      return reason satisfies never;
  }
}
