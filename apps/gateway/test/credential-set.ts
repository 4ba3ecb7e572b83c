import type { CredentialSetInput } from '@portico/config';

/** One consumer of a credential set: its API key and the plan it subscribes to, if any. */
export interface ConsumerFixture {
  /** `con_<x>`: the key and subscription ids derive from it (`key_<x>`, `sub_<x>`). */
  id: string;
  name: string;
  status?: 'active' | 'suspended';
  key?: { hash: string };
  /** When a test names the key by an id of its own. */
  keyId?: string;
  /** ISO time after which the key is refused. */
  keyExpiresAt?: string;
  planId?: string;
}

/** The part of a consumer id after its `con_` prefix, to name what belongs to it. */
function suffixOf(consumerId: string): string {
  return consumerId.replace(/^con_/, '');
}

/**
 * A full credential set as the control plane streams it: every consumer, one key per consumer
 * given one, one subscription per consumer given a plan, plus any other credentials.
 */
export function credentialSet(
  consumers: readonly ConsumerFixture[],
  options: { seq?: number; credentials?: CredentialSetInput['credentials'] } = {},
): { seq: number; set: CredentialSetInput } {
  return {
    seq: options.seq ?? 1,
    set: {
      consumers: consumers.map((c) => ({ id: c.id, name: c.name, status: c.status ?? 'active' })),
      keys: consumers.flatMap((c) =>
        c.key === undefined
          ? []
          : [
              {
                id: c.keyId ?? `key_${suffixOf(c.id)}`,
                consumerId: c.id,
                hash: c.key.hash,
                expiresAt: c.keyExpiresAt ?? null,
              },
            ],
      ),
      subscriptions: consumers.flatMap((c) =>
        c.planId === undefined
          ? []
          : [{ id: `sub_${suffixOf(c.id)}`, consumerId: c.id, planId: c.planId }],
      ),
      credentials: options.credentials ?? [],
    },
  };
}
