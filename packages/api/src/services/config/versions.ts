import { type ConfigSnapshot, ZConfigSnapshot } from '@portico/config';
import type { Db, Prisma } from '@portico/db';
import type { AuditContext } from '../../audit/record-audit';
import { diffSnapshots, type SnapshotDiff } from '../../config/snapshot-diff';
import { PorticoError } from '../shared/domain-errors';
import { lockConfig } from './config-lock';
import { loadDraftSnapshot } from './draft-snapshot';
import { CONFIG_TX_OPTIONS } from './publish';
import { latestVersionHeader, type PublishedVersion, writeVersion } from './write-version';

const VERSION_HEADER = {
  number: true,
  hash: true,
  message: true,
  author: true,
  authorId: true,
  rollbackOf: true,
  createdAt: true,
} as const;

export type VersionHeader = Prisma.ConfigVersionGetPayload<{ select: typeof VERSION_HEADER }>;

/** Newest first; `cursor` is the number to continue below. */
export async function listVersions(
  db: Db,
  input: { cursor?: number | undefined; limit: number },
): Promise<{ items: VersionHeader[]; nextCursor: number | null }> {
  const rows = await db.configVersion.findMany({
    where: input.cursor === undefined ? {} : { number: { lt: input.cursor } },
    orderBy: { number: 'desc' },
    take: input.limit + 1,
    select: VERSION_HEADER,
  });
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > input.limit && last ? last.number : null };
}

/** A stored snapshot, re-validated so a row edited by hand cannot pass as a good one. */
async function loadSnapshot(tx: Prisma.TransactionClient, number: number) {
  const row = await tx.configVersion.findUnique({
    where: { number },
    select: { ...VERSION_HEADER, snapshot: true },
  });
  if (!row) throw new PorticoError('CTL_NOT_FOUND', `config version ${number} does not exist`);
  const snapshot = ZConfigSnapshot.parse(row.snapshot);
  return { ...row, snapshot };
}

export async function getVersion(
  db: Db,
  number: number,
): Promise<VersionHeader & { snapshot: ConfigSnapshot }> {
  return loadSnapshot(db, number);
}

export async function diffVersions(
  db: Db,
  a: number,
  b: number,
): Promise<SnapshotDiff & { a: number; b: number }> {
  const [before, after] = await Promise.all([loadSnapshot(db, a), loadSnapshot(db, b)]);
  return { a, b, ...diffSnapshots(before.snapshot, after.snapshot) };
}

export type DraftDiff =
  | { valid: true; latestVersion: number | null; draftHash: string; diff: SnapshotDiff }
  | { valid: false; latestVersion: number | null; issues: string[] };

/** What a publish would change now: the draft against the latest published version. */
export async function draftDiff(db: Db): Promise<DraftDiff> {
  return db.$transaction(
    async (tx) => {
      const latest = await latestVersionHeader(tx);
      const draft = await loadDraftSnapshot(tx);
      if (!draft.ok)
        return { valid: false, latestVersion: latest?.number ?? null, issues: draft.issues };
      const published = latest ? (await loadSnapshot(tx, latest.number)).snapshot : null;
      return {
        valid: true,
        latestVersion: latest?.number ?? null,
        draftHash: draft.hash,
        diff: diffSnapshots(published, draft.snapshot),
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

/**
 * Publishes an older version's snapshot again as a new version. The draft is left as it is, so
 * `draftDiff` afterwards shows what a publish would bring back.
 */
export async function rollbackTo(
  db: Db,
  ctx: AuditContext,
  input: { to: number; message?: string | undefined },
): Promise<PublishedVersion> {
  return db.$transaction(async (tx) => {
    await lockConfig(tx);
    const target = await loadSnapshot(tx, input.to);
    const latest = await latestVersionHeader(tx);
    if (latest && latest.hash === target.hash) {
      throw new PorticoError(
        'CTL_CONFLICT',
        `nothing to roll back: the latest version ${latest.number} already equals version ${input.to}`,
      );
    }
    return writeVersion(tx, ctx, {
      snapshot: target.snapshot,
      hash: target.hash,
      message: input.message ?? `rollback to version ${input.to}`,
      rollbackOf: input.to,
    });
  }, CONFIG_TX_OPTIONS);
}
