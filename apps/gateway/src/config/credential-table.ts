import type {
  CredentialChange,
  CredentialConsumer,
  CredentialKey,
  CredentialSet,
  CredentialSubscription,
} from '@portico/config';

/**
 * Consumers, keys and subscriptions as the hot path reads them: keys by SHA-256 hash, plans by
 * consumer. Never mutated after construction; a change builds a new table and the runtime swaps
 * one reference, so a request sees one consistent set from start to end.
 */
export class CredentialTable {
  private constructor(
    readonly seq: number,
    readonly keysByHash: ReadonlyMap<string, CredentialKey>,
    private readonly keysById: ReadonlyMap<string, CredentialKey>,
    readonly consumers: ReadonlyMap<string, CredentialConsumer>,
    private readonly subscriptions: ReadonlyMap<string, CredentialSubscription>,
    readonly planIdsByConsumer: ReadonlyMap<string, readonly string[]>,
  ) {}

  private byName: Map<string, CredentialConsumer> | null = null;

  /** Consumers by name, for JWT claims that carry a name; built on first use. */
  consumerByName(name: string): CredentialConsumer | undefined {
    if (this.byName === null) {
      this.byName = new Map();
      for (const consumer of this.consumers.values()) this.byName.set(consumer.name, consumer);
    }
    return this.byName.get(name);
  }

  static empty(): CredentialTable {
    return new CredentialTable(0, new Map(), new Map(), new Map(), new Map(), new Map());
  }

  static fromSet(set: CredentialSet, seq: number): CredentialTable {
    const keysById = new Map(set.keys.map((k) => [k.id, k]));
    const subscriptions = new Map(set.subscriptions.map((s) => [s.id, s]));
    return CredentialTable.build(
      seq,
      keysById,
      new Map(set.consumers.map((c) => [c.id, c])),
      subscriptions,
    );
  }

  private static build(
    seq: number,
    keysById: Map<string, CredentialKey>,
    consumers: Map<string, CredentialConsumer>,
    subscriptions: Map<string, CredentialSubscription>,
  ): CredentialTable {
    const keysByHash = new Map<string, CredentialKey>();
    for (const key of keysById.values()) keysByHash.set(key.hash, key);
    const planIdsByConsumer = new Map<string, string[]>();
    for (const sub of subscriptions.values()) {
      const list = planIdsByConsumer.get(sub.consumerId);
      if (list) list.push(sub.planId);
      else planIdsByConsumer.set(sub.consumerId, [sub.planId]);
    }
    return new CredentialTable(
      seq,
      keysByHash,
      keysById,
      consumers,
      subscriptions,
      planIdsByConsumer,
    );
  }

  /** Applies changes with a seq above this table's, in order; older ones are already in. */
  applyChanges(changes: readonly CredentialChange[], seq: number): CredentialTable {
    const fresh = changes.filter((c) => c.seq > this.seq);
    if (fresh.length === 0 && seq <= this.seq) return this;
    const keysById = new Map(this.keysById);
    const consumers = new Map(this.consumers);
    const subscriptions = new Map(this.subscriptions);
    for (const change of fresh) {
      switch (change.type) {
        case 'consumer.upsert':
          consumers.set(change.consumer.id, change.consumer);
          break;
        case 'consumer.delete':
          consumers.delete(change.id);
          break;
        case 'key.upsert':
          keysById.set(change.key.id, change.key);
          break;
        case 'key.delete':
          keysById.delete(change.id);
          break;
        case 'subscription.upsert':
          subscriptions.set(change.subscription.id, change.subscription);
          break;
        case 'subscription.delete':
          subscriptions.delete(change.id);
          break;
      }
    }
    const lastSeq = fresh.reduce((max, c) => Math.max(max, c.seq), Math.max(seq, this.seq));
    return CredentialTable.build(lastSeq, keysById, consumers, subscriptions);
  }

  toSet(): CredentialSet {
    return {
      consumers: [...this.consumers.values()],
      keys: [...this.keysById.values()],
      subscriptions: [...this.subscriptions.values()],
    };
  }
}
