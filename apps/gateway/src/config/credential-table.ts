import type {
  CredentialChange,
  CredentialConsumer,
  CredentialKey,
  CredentialKind,
  CredentialSecret,
  CredentialSet,
  CredentialSubscription,
} from '@portico/config';

/**
 * Consumers, keys, credentials and subscriptions as the hot path reads them: keys by SHA-256
 * hash, credentials by kind then identifier, plans by consumer. Never mutated after construction; a change builds a new table and the runtime swaps
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
    private readonly credentialsById: ReadonlyMap<string, CredentialSecret>,
    private readonly credentialsByKind: ReadonlyMap<
      CredentialKind,
      ReadonlyMap<string, CredentialSecret>
    >,
  ) {}

  /** The live credential of `kind` named `identifier`, or undefined (two lookups, no allocation). */
  credential(kind: CredentialKind, identifier: string): CredentialSecret | undefined {
    return this.credentialsByKind.get(kind)?.get(identifier);
  }

  /** A live credential by id (e.g. to tell whether a cached verification still holds). */
  credentialById(id: string): CredentialSecret | undefined {
    return this.credentialsById.get(id);
  }

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
    return CredentialTable.build(0, {
      keysById: new Map(),
      consumers: new Map(),
      subscriptions: new Map(),
      credentialsById: new Map(),
    });
  }

  static fromSet(set: CredentialSet, seq: number): CredentialTable {
    const keysById = new Map(set.keys.map((k) => [k.id, k]));
    const subscriptions = new Map(set.subscriptions.map((s) => [s.id, s]));
    return CredentialTable.build(seq, {
      keysById,
      consumers: new Map(set.consumers.map((c) => [c.id, c])),
      subscriptions,
      credentialsById: new Map((set.credentials ?? []).map((c) => [c.id, c])),
    });
  }

  private static build(seq: number, parts: TableParts): CredentialTable {
    const { keysById, consumers, subscriptions, credentialsById } = parts;
    const keysByHash = new Map<string, CredentialKey>();
    for (const key of keysById.values()) keysByHash.set(key.hash, key);
    const planIdsByConsumer = new Map<string, string[]>();
    for (const sub of subscriptions.values()) {
      const list = planIdsByConsumer.get(sub.consumerId);
      if (list) list.push(sub.planId);
      else planIdsByConsumer.set(sub.consumerId, [sub.planId]);
    }
    const credentialsByKind = new Map<CredentialKind, Map<string, CredentialSecret>>();
    for (const credential of credentialsById.values()) {
      let byIdentifier = credentialsByKind.get(credential.kind);
      if (byIdentifier === undefined) {
        byIdentifier = new Map();
        credentialsByKind.set(credential.kind, byIdentifier);
      }
      byIdentifier.set(credential.identifier, credential);
    }
    return new CredentialTable(
      seq,
      keysByHash,
      keysById,
      consumers,
      subscriptions,
      planIdsByConsumer,
      credentialsById,
      credentialsByKind,
    );
  }

  /** Applies changes with a seq above this table's, in order; older ones are already in. */
  applyChanges(changes: readonly CredentialChange[], seq: number): CredentialTable {
    const fresh = changes.filter((c) => c.seq > this.seq);
    if (fresh.length === 0 && seq <= this.seq) return this;
    const keysById = new Map(this.keysById);
    const consumers = new Map(this.consumers);
    const subscriptions = new Map(this.subscriptions);
    const credentialsById = new Map(this.credentialsById);
    for (const change of fresh) {
      switch (change.type) {
        case 'consumer.upsert':
          consumers.set(change.consumer.id, change.consumer);
          break;
        case 'consumer.delete':
          consumers.delete(change.id);
          // Its credentials went with it (cascade) without log entries of their own; dropping
          // them here frees their identifiers for a new consumer at once.
          for (const [id, credential] of credentialsById)
            if (credential.consumerId === change.id) credentialsById.delete(id);
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
        case 'credential.upsert':
          credentialsById.set(change.credential.id, change.credential);
          break;
        case 'credential.delete':
          credentialsById.delete(change.id);
          break;
        default:
          change satisfies never;
      }
    }
    const lastSeq = fresh.reduce((max, c) => Math.max(max, c.seq), Math.max(seq, this.seq));
    return CredentialTable.build(lastSeq, { keysById, consumers, subscriptions, credentialsById });
  }

  toSet(): CredentialSet {
    return {
      consumers: [...this.consumers.values()],
      keys: [...this.keysById.values()],
      subscriptions: [...this.subscriptions.values()],
      credentials: [...this.credentialsById.values()],
    };
  }
}

interface TableParts {
  keysById: Map<string, CredentialKey>;
  consumers: Map<string, CredentialConsumer>;
  subscriptions: Map<string, CredentialSubscription>;
  credentialsById: Map<string, CredentialSecret>;
}
