import type { CredentialChange } from '@portico/config';
import type { Prisma } from '@portico/db';
import { credentialForLog, STREAMED_CREDENTIAL_COLUMNS } from './credential-secrets';

/**
 * The credential change log: every mutation of a consumer, key or subscription appends the
 * entity's new state here inside its own transaction, so gateways get it as a delta within a
 * second and no operator publish is needed. Entries are computed from the row as it is now in
 * `tx` (not from what the caller meant to do), so a log entry can never disagree with the table.
 */

/** A log entry before the database gives it its sequence number. */
export type CredentialChangeEntry = CredentialChange extends infer C
  ? C extends { seq: number }
    ? Omit<C, 'seq'>
    : never
  : never;

/** The channel long-polls listen on; the payload says what changed ('credentials' | 'config'). */
export const CHANGES_CHANNEL = 'portico_changes';

/**
 * Advisory lock key (arbitrary, fixed) that orders log appends. Sequence numbers are handed out at
 * insert time but become visible at commit; without this lock a transaction holding seq 10 could
 * commit after one holding seq 11, and a gateway already at 11 would never see 10. Holding the
 * lock until commit makes commit order equal sequence order, so call these late in a transaction.
 */
export const CREDENTIAL_LOG_LOCK_KEY = 7_413_220_001;

async function append(
  tx: Prisma.TransactionClient,
  entityId: string,
  entry: CredentialChangeEntry,
): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CREDENTIAL_LOG_LOCK_KEY}::bigint)`;
  await tx.credentialChange.create({
    data: { type: entry.type, entityId, payload: entry as Prisma.InputJsonValue },
  });
  // pg_notify inside the transaction is delivered on commit and dropped on rollback: a waiter
  // wakes exactly when the change becomes visible.
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, 'credentials')`;
}

/** The entities the log carries; each has an upsert and a delete entry. */
type LoggedEntity = 'consumer' | 'key' | 'subscription' | 'credential';

const DELETE_TYPES = {
  consumer: 'consumer.delete',
  key: 'key.delete',
  subscription: 'subscription.delete',
  credential: 'credential.delete',
} as const satisfies Record<LoggedEntity, CredentialChangeEntry['type']>;

/** A key or credential gateways should accept now: present, not revoked, not yet expired. */
function usable<Row extends { revokedAt: Date | null; expiresAt: Date | null }>(
  row: Row | null,
): row is Row {
  return (
    row !== null &&
    row.revokedAt === null &&
    (row.expiresAt === null || row.expiresAt.getTime() > Date.now())
  );
}

type StateReader = (
  tx: Prisma.TransactionClient,
  id: string,
) => Promise<CredentialChangeEntry | null>;

/**
 * Each entity's upsert entry as its row is now in `tx`, or null when gateways should not hold it:
 * a consumer while it exists (with its status), a key or credential while usable, a subscription
 * while active.
 */
const CURRENT_STATE: Record<LoggedEntity, StateReader> = {
  consumer: async (tx, id) => {
    const consumer = await tx.consumer.findUnique({
      where: { id },
      select: { id: true, name: true, status: true },
    });
    return consumer && { type: 'consumer.upsert', consumer };
  },
  key: async (tx, id) => {
    const key = await tx.apiKey.findUnique({
      where: { id },
      select: { id: true, consumerId: true, hash: true, expiresAt: true, revokedAt: true },
    });
    if (!usable(key)) return null;
    const { revokedAt: _revokedAt, expiresAt, ...streamed } = key;
    return {
      type: 'key.upsert',
      key: { ...streamed, expiresAt: expiresAt?.toISOString() ?? null },
    };
  },
  subscription: async (tx, id) => {
    const subscription = await tx.subscription.findUnique({
      where: { id, status: 'active' },
      select: { id: true, consumerId: true, planId: true },
    });
    return subscription && { type: 'subscription.upsert', subscription };
  },
  credential: async (tx, id) => {
    const row = await tx.consumerCredential.findUnique({
      where: { id },
      select: { ...STREAMED_CREDENTIAL_COLUMNS, revokedAt: true },
    });
    return usable(row) ? { type: 'credential.upsert', credential: credentialForLog(row) } : null;
  },
};

/** Logs an entity's current state: its upsert while gateways should hold it, else its deletion. */
async function appendCurrentState(
  tx: Prisma.TransactionClient,
  entity: { kind: LoggedEntity; id: string },
): Promise<void> {
  const upsert = await CURRENT_STATE[entity.kind](tx, entity.id);
  await append(tx, entity.id, upsert ?? { type: DELETE_TYPES[entity.kind], id: entity.id });
}

/** One entity to log at the flush, keyed `<entity>:<id>` so it is logged once. */
type HeldBack = Map<string, { kind: LoggedEntity; id: string }>;

/** Transactions whose log appends are held back until `flush`, in first-seen order. */
const deferred = new WeakMap<Prisma.TransactionClient, HeldBack>();

export interface DeferredCredentialLog {
  /** Appends one entry per entity logged since `deferCredentialLog`, in its state now. */
  flush(): Promise<void>;
}

/**
 * Holds back the log appends the service functions make in `tx` until `flush`. A change made of
 * many writes (the declarative apply) then takes the log's lock, which orders every credential
 * writer, only at its end and logs each entity once, in its final state, instead of once per
 * write. The entries are what the same writes log without deferral, minus repeats.
 */
export function deferCredentialLog(tx: Prisma.TransactionClient): DeferredCredentialLog {
  const held: HeldBack = new Map();
  deferred.set(tx, held);
  return {
    async flush() {
      deferred.delete(tx);
      for (const entity of held.values()) await appendCurrentState(tx, entity);
    },
  };
}

/** Logs the entity now, or remembers it for the flush when `tx` defers its appends. */
async function logChange(
  tx: Prisma.TransactionClient,
  entity: { kind: LoggedEntity; id: string },
): Promise<void> {
  const held = deferred.get(tx);
  if (held === undefined) {
    await appendCurrentState(tx, entity);
    return;
  }
  const key = `${entity.kind}:${entity.id}`;
  if (!held.has(key)) held.set(key, entity);
}

/**
 * Logs a consumer's current state (upsert with its status) or its deletion. Its keys and
 * subscriptions are not re-logged: gateways join them to the consumer by id, and a deleted
 * consumer's keys stop matching because the consumer is gone.
 */
export const logConsumerChange = (tx: Prisma.TransactionClient, consumerId: string) =>
  logChange(tx, { kind: 'consumer', id: consumerId });

/** Logs a key as usable (upsert) or not (delete: missing, revoked, or already expired). */
export const logKeyChange = (tx: Prisma.TransactionClient, keyId: string) =>
  logChange(tx, { kind: 'key', id: keyId });

/** Logs a subscription as active (upsert) or as anything else (delete: gateways only hold active ones). */
export const logSubscriptionChange = (tx: Prisma.TransactionClient, subscriptionId: string) =>
  logChange(tx, { kind: 'subscription', id: subscriptionId });

/**
 * Logs a consumer credential (basic, signing key, client certificate) as usable (upsert) or not
 * (delete: missing, revoked, or already expired), like keys.
 */
export const logCredentialChange = (tx: Prisma.TransactionClient, credentialId: string) =>
  logChange(tx, { kind: 'credential', id: credentialId });
