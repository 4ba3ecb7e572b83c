import { type ConfigSnapshot, describeCollision, findApiCollisions } from '@portico/config';
import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { type AuditContext, recordAudit } from '../../audit/record-audit';
import { PorticoError } from '../shared/domain-errors';
import { notifyConfigPublished } from './config-lock';

export interface PublishedVersion {
  number: number;
  hash: string;
}

export interface NewVersion {
  snapshot: ConfigSnapshot;
  hash: string;
  message: string;
  /** Set when the version restores an older one. */
  rollbackOf?: number;
}

/** The message shown when a publish would repeat what gateways already run. */
export const NOTHING_TO_PUBLISH =
  'nothing to publish: the draft equals the latest published version';

/** The latest published version without its snapshot, or null before the first publish. */
export async function latestVersionHeader(tx: Prisma.TransactionClient) {
  return tx.configVersion.findFirst({
    orderBy: { number: 'desc' },
    select: { id: true, number: true, hash: true, createdAt: true },
  });
}

/**
 * Stores a new immutable version numbered right after the latest. The caller holds the config
 * lock (lockConfig) in `tx`, which is what makes the numbering consecutive under concurrency.
 */
export async function writeVersion(
  tx: Prisma.TransactionClient,
  ctx: AuditContext,
  version: NewVersion,
): Promise<PublishedVersion> {
  const collisions = findApiCollisions(version.snapshot.apis);
  if (collisions.length > 0) {
    throw new PorticoError(
      'CTL_CONFLICT',
      `cannot publish: ${collisions.map(describeCollision).join('; ')}`,
    );
  }
  const latest = await latestVersionHeader(tx);
  if (latest && latest.hash === version.hash) {
    throw new PorticoError('CTL_CONFLICT', NOTHING_TO_PUBLISH);
  }
  const number = (latest?.number ?? 0) + 1;
  const id = newId('configVersion');
  await tx.configVersion.create({
    data: {
      id,
      number,
      hash: version.hash,
      snapshot: version.snapshot as Prisma.InputJsonValue,
      message: version.message,
      authorId: ctx.actor?.userId ?? null,
      author: ctx.actor?.email ?? 'system',
      rollbackOf: version.rollbackOf ?? null,
    },
  });
  await recordAudit(tx, ctx, {
    action: version.rollbackOf === undefined ? 'config.publish' : 'config.rollback',
    targetType: 'configVersion',
    targetId: id,
    before: latest ? { number: latest.number, hash: latest.hash } : null,
    after: {
      number,
      hash: version.hash,
      message: version.message,
      rollbackOf: version.rollbackOf ?? null,
    },
  });
  await notifyConfigPublished(tx);
  return { number, hash: version.hash };
}
