import type { Prisma } from '@portico/db';
import { CHANGES_CHANNEL } from '../../sync/credential-log';

/** Advisory lock key (arbitrary, fixed) that serialises everything that writes config versions. */
export const CONFIG_PUBLISH_LOCK_KEY = 7_413_220_002;

/**
 * Takes the config lock for the rest of the transaction. Publishes, rollbacks and applies take it
 * first, so two of them never read the same "latest" and version numbers stay consecutive.
 */
export async function lockConfig(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CONFIG_PUBLISH_LOCK_KEY}::bigint)`;
}

/** Wakes waiting gateways when the transaction commits (and never if it rolls back). */
export async function notifyConfigPublished(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, 'config')`;
}
