import { generateSecret } from '@portico/keys';
import { apiOf, service } from './harness';

/**
 * One API behind a key, on a plan whose quota is the only limit that can bite (its rate limit is
 * far above any load), for one fresh consumer: what the limiter stress tests start gateways with.
 */
export function quotaPlanFixture(options: {
  /** Names the API, plan and consumer (`api_<name>`, `pln_<name>_<policy>`, …). */
  name: string;
  policy: 'open' | 'closed';
  quota: number;
  upstreamPort: number;
  /** Tells consumers of repeated runs apart; defaults to the policy. */
  consumerTag?: string;
}) {
  const { name, policy } = options;
  const key = generateSecret('apiKey');
  const consumerId = `con_${name}_${options.consumerTag ?? policy}`;
  const planId = `pln_${name}_${policy}`;
  const apiId = `api_${name}`;
  const snapshot = {
    services: [service('svc', [{ host: '127.0.0.1', port: options.upstreamPort }])],
    apis: [apiOf(apiId, '/', 'svc', { auth: { type: 'key' } })],
    plans: [
      {
        id: planId,
        name,
        apiIds: [apiId],
        redisFailurePolicy: policy,
        rateLimit: { requests: 1_000_000, per: 'second' as const },
        quota: { requests: options.quota, per: 'day' as const },
      },
    ],
  };
  const credentials = {
    consumers: [{ id: consumerId, name: consumerId, status: 'active' as const }],
    keys: [{ id: `key_${consumerId}`, consumerId, hash: key.hash, expiresAt: null }],
    subscriptions: [{ id: `sub_${consumerId}`, consumerId, planId }],
  };
  return { key, consumerId, planId, snapshot, credentials };
}
