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

/** Appends the entity's upsert while gateways should hold it, else (null) its deletion. */
async function appendState(
  tx: Prisma.TransactionClient,
  entity: { kind: LoggedEntity; id: string },
  upsert: CredentialChangeEntry | null,
): Promise<void> {
  await append(tx, entity.id, upsert ?? { type: DELETE_TYPES[entity.kind], id: entity.id });
}

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

/** Logs a consumer's current state (upsert with its status) or its deletion. */
export async function logConsumerChange(
  tx: Prisma.TransactionClient,
  consumerId: string,
): Promise<void> {
  const consumer = await tx.consumer.findUnique({
    where: { id: consumerId },
    select: { id: true, name: true, status: true },
  });
  // Keys and subscriptions are not re-logged: gateways join them to the consumer by id, and a
  // deleted consumer's keys stop matching because the consumer is gone.
  await appendState(
    tx,
    { kind: 'consumer', id: consumerId },
    consumer && {
      type: 'consumer.upsert',
      consumer: { id: consumer.id, name: consumer.name, status: consumer.status },
    },
  );
}

/** Logs a key as usable (upsert) or not (delete: missing, revoked, or already expired). */
export async function logKeyChange(tx: Prisma.TransactionClient, keyId: string): Promise<void> {
  const key = await tx.apiKey.findUnique({
    where: { id: keyId },
    select: { id: true, consumerId: true, hash: true, expiresAt: true, revokedAt: true },
  });
  await appendState(
    tx,
    { kind: 'key', id: keyId },
    usable(key)
      ? {
          type: 'key.upsert',
          key: {
            id: key.id,
            consumerId: key.consumerId,
            hash: key.hash,
            expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
          },
        }
      : null,
  );
}

/** Logs a subscription as active (upsert) or as anything else (delete: gateways only hold active ones). */
export async function logSubscriptionChange(
  tx: Prisma.TransactionClient,
  subscriptionId: string,
): Promise<void> {
  const subscription = await tx.subscription.findUnique({
    where: { id: subscriptionId },
    select: { id: true, consumerId: true, planId: true, status: true },
  });
  await appendState(
    tx,
    { kind: 'subscription', id: subscriptionId },
    subscription?.status === 'active'
      ? {
          type: 'subscription.upsert',
          subscription: {
            id: subscription.id,
            consumerId: subscription.consumerId,
            planId: subscription.planId,
          },
        }
      : null,
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
  const row = await tx.consumerCredential.findUnique({
    where: { id: credentialId },
    select: { ...STREAMED_CREDENTIAL_COLUMNS, revokedAt: true },
  });
  await appendState(
    tx,
    { kind: 'credential', id: credentialId },
    usable(row) ? { type: 'credential.upsert', credential: credentialForLog(row) } : null,
  );
}
