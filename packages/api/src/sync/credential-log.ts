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

type LoggedEntity = 'consumer' | 'key' | 'subscription' | 'credential';

/** One entity to log at the flush, keyed `<entity>:<id>` so it is logged once. */
type HeldBack = Map<string, { entity: LoggedEntity; id: string }>;

/** Transactions whose log appends are held back until `flush`, in first-seen order. */
const deferred = new WeakMap<Prisma.TransactionClient, HeldBack>();

/** True (and remembered for the flush) when `tx` defers its log appends. */
function heldBack(tx: Prisma.TransactionClient, entity: LoggedEntity, id: string): boolean {
  const held = deferred.get(tx);
  const key = `${entity}:${id}`;
  if (held !== undefined && !held.has(key)) held.set(key, { entity, id });
  return held !== undefined;
}

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
      for (const { entity, id } of held.values()) await LOGGERS[entity](tx, id);
    },
  };
}

/** Logs a consumer's current state (upsert with its status) or its deletion. */
export async function logConsumerChange(
  tx: Prisma.TransactionClient,
  consumerId: string,
): Promise<void> {
  if (heldBack(tx, 'consumer', consumerId)) return;
  const consumer = await tx.consumer.findUnique({
    where: { id: consumerId },
    select: { id: true, name: true, status: true },
  });
  // Keys and subscriptions are not re-logged: gateways join them to the consumer by id, and a
  // deleted consumer's keys stop matching because the consumer is gone.
  await append(
    tx,
    consumerId,
    consumer
      ? {
          type: 'consumer.upsert',
          consumer: { id: consumer.id, name: consumer.name, status: consumer.status },
        }
      : { type: 'consumer.delete', id: consumerId },
  );
}

/** Logs a key as usable (upsert) or not (delete: missing, revoked, or already expired). */
export async function logKeyChange(tx: Prisma.TransactionClient, keyId: string): Promise<void> {
  if (heldBack(tx, 'key', keyId)) return;
  const key = await tx.apiKey.findUnique({
    where: { id: keyId },
    select: { id: true, consumerId: true, hash: true, expiresAt: true, revokedAt: true },
  });
  const live =
    key !== null &&
    key.revokedAt === null &&
    (key.expiresAt === null || key.expiresAt.getTime() > Date.now());
  await append(
    tx,
    keyId,
    live
      ? {
          type: 'key.upsert',
          key: {
            id: key.id,
            consumerId: key.consumerId,
            hash: key.hash,
            expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
          },
        }
      : { type: 'key.delete', id: keyId },
  );
}

/** Logs a subscription as active (upsert) or as anything else (delete: gateways only hold active ones). */
export async function logSubscriptionChange(
  tx: Prisma.TransactionClient,
  subscriptionId: string,
): Promise<void> {
  if (heldBack(tx, 'subscription', subscriptionId)) return;
  const subscription = await tx.subscription.findUnique({
    where: { id: subscriptionId },
    select: { id: true, consumerId: true, planId: true, status: true },
  });
  await append(
    tx,
    subscriptionId,
    subscription && subscription.status === 'active'
      ? {
          type: 'subscription.upsert',
          subscription: {
            id: subscription.id,
            consumerId: subscription.consumerId,
            planId: subscription.planId,
          },
        }
      : { type: 'subscription.delete', id: subscriptionId },
  );
}

/**
 * Logs a consumer credential (basic, signing key, client certificate) as usable (upsert) or not
 * (delete: missing, revoked, or already expired), like keys.
 */
export async function logCredentialChange(
  tx: Prisma.TransactionClient,
  credentialId: string,
): Promise<void> {
  if (heldBack(tx, 'credential', credentialId)) return;
  const row = await tx.consumerCredential.findUnique({
    where: { id: credentialId },
    select: { ...STREAMED_CREDENTIAL_COLUMNS, revokedAt: true },
  });
  const live =
    row !== null &&
    row.revokedAt === null &&
    (row.expiresAt === null || row.expiresAt.getTime() > Date.now());
  await append(
    tx,
    credentialId,
    live
      ? { type: 'credential.upsert', credential: credentialForLog(row) }
      : { type: 'credential.delete', id: credentialId },
  );
}

const LOGGERS: Record<LoggedEntity, (tx: Prisma.TransactionClient, id: string) => Promise<void>> = {
  consumer: logConsumerChange,
  key: logKeyChange,
  subscription: logSubscriptionChange,
  credential: logCredentialChange,
};
