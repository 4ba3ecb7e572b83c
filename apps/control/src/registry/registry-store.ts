import { createHash, randomUUID } from 'node:crypto';
import type { LiveInstance, RegisteredInstance, RegistryServiceView } from '@portico/config';
import type { RedisClient } from '@portico/config/redis';
import { DEREGISTER_SCRIPT, PRUNE_SCRIPT, READ_SCRIPT, REGISTER_SCRIPT } from './registry-scripts';

/** What an instance registered with; stored as JSON in the service's instances hash. */
export type InstanceRecord = RegisteredInstance;
export type { LiveInstance };
/** A service's instance set as `GET /registry/v1/services/:service` answers it. */
export type ServiceView = RegistryServiceView;

/**
 * The registry's state in Redis. Every key carries the same hash tag so the scripts, which touch
 * a service's keys and the service set together, stay valid on Redis Cluster (one slot; registry
 * traffic is small next to quotas).
 */
export class RegistryStore {
  private readonly base: string;
  readonly channel: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix: string,
  ) {
    this.base = `${keyPrefix}{registry}`;
    this.channel = `${this.base}:changes`;
  }

  private keys(service: string): string[] {
    const svc = `${this.base}:svc:${service}`;
    return [
      `${svc}:instances`,
      `${svc}:expiry`,
      `${svc}:index`,
      `${this.base}:services`,
      `${this.base}:epoch`,
      `${svc}:emptied`,
    ];
  }

  /** Registers or renews; `changed` is false for a pure heartbeat. */
  async register(
    service: string,
    record: InstanceRecord,
  ): Promise<{ changed: boolean; index: number }> {
    const json = JSON.stringify(record);
    const result = await runScript(this.redis, REGISTER_SCRIPT, this.keys(service), [
      this.channel,
      service,
      randomUUID(),
      record.id,
      json,
      String(record.ttlSeconds * 1000),
    ]);
    const [changed, index] = asNumbers(result);
    return { changed: changed === 1, index };
  }

  /** Removes an instance; `removed` is false when it was not (or no longer) registered. */
  async deregister(
    service: string,
    instanceId: string,
  ): Promise<{ removed: boolean; index: number }> {
    const result = await runScript(this.redis, DEREGISTER_SCRIPT, this.keys(service), [
      this.channel,
      service,
      randomUUID(),
      instanceId,
    ]);
    const [removed, index] = asNumbers(result);
    return { removed: removed === 1, index };
  }

  /** Live instances of a service, expired ones pruned (and announced) first. */
  async read(service: string): Promise<ServiceView> {
    const result = await runScript(this.redis, READ_SCRIPT, this.keys(service), [
      this.channel,
      service,
      randomUUID(),
    ]);
    if (!Array.isArray(result)) throw new Error('registry read script returned a non-array');
    const index = Number(result[0]);
    const epoch = String(result[1]);
    const emptied = String(result[2]);
    const emptiedBy = emptied === 'deregistered' || emptied === 'expired' ? emptied : null;
    const instances: LiveInstance[] = [];
    for (let i = 3; i + 2 < result.length; i += 3) {
      const record = JSON.parse(String(result[i + 1])) as InstanceRecord;
      instances.push({ ...record, expiresAt: Number(result[i + 2]) });
    }
    instances.sort((a, b) => a.id.localeCompare(b.id));
    return {
      service,
      index,
      epoch,
      emptiedBy: instances.length === 0 ? emptiedBy : null,
      instances,
    };
  }

  /** Names of services with at least one instance (as of their last prune). */
  async services(): Promise<string[]> {
    const names = await this.redis.smembers(`${this.base}:services`);
    return names.sort();
  }

  /**
   * Prunes every service once. Safe on every control replica at once: pruning is atomic and
   * idempotent, so a second replica finds nothing left to remove and publishes nothing.
   */
  async sweep(): Promise<void> {
    for (const service of await this.services()) {
      await runScript(this.redis, PRUNE_SCRIPT, this.keys(service), [
        this.channel,
        service,
        randomUUID(),
      ]);
    }
  }
}

const SHAS = new Map<string, string>();

/**
 * EVALSHA with a one-time EVAL fallback: a heartbeat then sends a 40-byte digest instead of
 * the whole script, and a Redis that restarted (script cache empty) is reloaded transparently.
 */
async function runScript(
  redis: RedisClient,
  script: string,
  keys: string[],
  args: string[],
): Promise<unknown> {
  let sha = SHAS.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    SHAS.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

function asNumbers(result: unknown): [number, number] {
  if (!Array.isArray(result) || result.length < 2)
    throw new Error('registry script returned an unexpected shape');
  return [Number(result[0]), Number(result[1])];
}
