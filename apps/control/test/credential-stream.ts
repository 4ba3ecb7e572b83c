import { type CredentialSet, type SyncResponse, ZSyncResponse } from '@portico/config';
import { hashSecret } from '@portico/keys';

/** `items` with `item` replacing the entry of the same id (placed last), as a change upserts it. */
function upsertById<Item extends { id: string }>(items: Item[], item: Item): Item[] {
  return [...items.filter((existing) => existing.id !== item.id), item];
}

function withoutId<Item extends { id: string }>(items: Item[], id: string): Item[] {
  return items.filter((existing) => existing.id !== id);
}

/**
 * Reads the credential stream exactly as a gateway does (GET /dp/v1/config with a data-plane
 * token) and folds it into the set a gateway would hold, to check what gateways are told.
 */
export class CredentialStreamReader {
  private set: CredentialSet = { consumers: [], keys: [], subscriptions: [], credentials: [] };
  private seq = 0;
  private version = 0;
  private hash: string | undefined;

  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly nodeId = 'gw-portal-test',
  ) {}

  /** One poll; waits up to `waitSeconds` for news. Returns when it was answered. */
  async poll(waitSeconds = 1): Promise<number> {
    const params = new URLSearchParams({
      version: String(this.version),
      seq: String(this.seq),
      waitSeconds: String(waitSeconds),
    });
    if (this.hash) params.set('hash', this.hash);
    const response = await fetch(`${this.base}/dp/v1/config?${params}`, {
      headers: { authorization: `Bearer ${this.token}`, 'x-portico-node-id': this.nodeId },
    });
    const answeredAt = performance.now();
    if (response.status === 204) return answeredAt;
    if (response.status !== 200)
      throw new Error(`sync answered ${response.status}: ${await response.text()}`);
    this.apply(ZSyncResponse.parse(await response.json()));
    return answeredAt;
  }

  private apply(body: SyncResponse): void {
    if (body.config) {
      this.version = body.config.version;
      this.hash = body.config.hash;
    }
    const credentials = body.credentials;
    if (!credentials) return;
    if (credentials.mode === 'full') {
      this.set = structuredClone(credentials.set);
      this.seq = credentials.seq;
      return;
    }
    for (const change of credentials.changes) {
      this.seq = change.seq;
      switch (change.type) {
        case 'consumer.upsert':
          this.set.consumers = upsertById(this.set.consumers, change.consumer);
          break;
        case 'consumer.delete':
          this.set.consumers = withoutId(this.set.consumers, change.id);
          break;
        case 'key.upsert':
          this.set.keys = upsertById(this.set.keys, change.key);
          break;
        case 'key.delete':
          this.set.keys = withoutId(this.set.keys, change.id);
          break;
        case 'subscription.upsert':
          this.set.subscriptions = upsertById(this.set.subscriptions, change.subscription);
          break;
        case 'subscription.delete':
          this.set.subscriptions = withoutId(this.set.subscriptions, change.id);
          break;
        case 'credential.upsert':
          this.set.credentials = upsertById(this.set.credentials, change.credential);
          break;
        case 'credential.delete':
          this.set.credentials = withoutId(this.set.credentials, change.id);
          break;
        default:
          change satisfies never;
      }
    }
  }

  /**
   * Whether a gateway holding this set accepts `clearKey` at `at`: the key is known and not
   * expired, and its consumer is known and active.
   */
  accepts(clearKey: string, at: Date): boolean {
    const key = this.set.keys.find((k) => k.hash === hashSecret(clearKey));
    if (!key) return false;
    if (key.expiresAt !== null && new Date(key.expiresAt).getTime() <= at.getTime()) return false;
    const consumer = this.set.consumers.find((c) => c.id === key.consumerId);
    return consumer?.status === 'active';
  }

  /** The live credential of `kind` named `identifier` a gateway holding this set would find. */
  credential(kind: string, identifier: string) {
    return this.set.credentials.find((c) => c.kind === kind && c.identifier === identifier) ?? null;
  }

  consumerStatus(id: string): string | null {
    return this.set.consumers.find((c) => c.id === id)?.status ?? null;
  }

  subscribed(consumerId: string, planId: string): boolean {
    return this.set.subscriptions.some((s) => s.consumerId === consumerId && s.planId === planId);
  }
}
