import type { AuthOutcome } from '../auth/auth-outcome';
import type { CompiledApi } from '../config/compiled-config';
import type { LimitCheck } from '../limits/index';

/**
 * The limit check one request (or one MCP tool call) makes: the plan's rate limit and quota for
 * a consumer, the API's anonymous rate limit per client address otherwise; null when nothing
 * limits it.
 */
export function limitCheckFor(
  outcome: AuthOutcome & { ok: true },
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
