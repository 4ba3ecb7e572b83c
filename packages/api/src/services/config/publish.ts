import type { Db, Prisma } from '@portico/db';
import type { AuditContext } from '../../audit/record-audit';
import { PorticoError } from '../shared/domain-errors';
import { lockConfig } from './config-lock';
import { loadDraftSnapshot } from './draft-snapshot';
import { type PublishedVersion, writeVersion } from './write-version';

/** Interactive transactions here may wait for the config lock behind another publish. */
export const CONFIG_TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

/** Publishes the draft inside `tx`, which must already hold the config lock. */
export async function publishDraftInTx(
  tx: Prisma.TransactionClient,
  ctx: AuditContext,
  message: string,
): Promise<PublishedVersion> {
  const draft = await loadDraftSnapshot(tx);
  if (!draft.ok) {
    throw new PorticoError(
      'CTL_PRECONDITION_FAILED',
      `the draft is not a valid config, nothing was published: ${draft.issues.join('; ')}`,
    );
  }
  return writeVersion(tx, ctx, { snapshot: draft.snapshot, hash: draft.hash, message });
}

/** Builds, validates and stores the draft as the next version; refuses when nothing changed. */
export async function publishDraft(
  db: Db,
  ctx: AuditContext,
  message: string,
): Promise<PublishedVersion> {
  return db.$transaction(async (tx) => {
    await lockConfig(tx);
    return publishDraftInTx(tx, ctx, message);
  }, CONFIG_TX_OPTIONS);
}
