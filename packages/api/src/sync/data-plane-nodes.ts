import type { NodeStatusReport } from '@portico/config';
import { type Db, DbNull, type Prisma } from '@portico/db';
import { hashSecret } from '@portico/keys';

export { NODE_ID_PATTERN } from '@portico/config';

/** Don't write lastUsedAt on every long-poll; once a minute is plenty to show a token is in use. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

export type DataPlaneTokenCheck = { ok: true; tokenId: string } | { ok: false; detail: string };

/**
 * Checks `Authorization: Bearer <token>` against data-plane machine tokens (kind dataplane, not
 * revoked) by hash. No cache: a revoked token stops at its next request.
 */
export async function authenticateDataPlaneToken(
  db: Pick<Db, 'machineToken'>,
  authorization: string | undefined,
  now: Date,
): Promise<DataPlaneTokenCheck> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (!token)
    return { ok: false, detail: 'send a data-plane token as "Authorization: Bearer <token>"' };
  const row = await db.machineToken.findUnique({
    where: { hash: hashSecret(token) },
    select: { id: true, kind: true, revokedAt: true, lastUsedAt: true },
  });
  if (row?.kind !== 'dataplane' || row.revokedAt !== null) {
    return {
      ok: false,
      detail: 'the data-plane token is unknown, revoked or not a data-plane token',
    };
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOKEN_TOUCH_INTERVAL_MS) {
    await db.machineToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { ok: true, tokenId: row.id };
}

/** Registers a node on first contact and refreshes its last-seen time on every poll. */
export async function touchDataPlaneNode(
  db: Pick<Db, 'dataPlaneNode'>,
  nodeId: string,
  tokenId: string,
  now: Date,
): Promise<void> {
  await db.dataPlaneNode.upsert({
    where: { id: nodeId },
    create: { id: nodeId, hostname: nodeId, tokenId, firstSeenAt: now, lastSeenAt: now },
    update: { tokenId, lastSeenAt: now },
  });
}

/** Stores what a node reports running (version, hash, credential position, error, health). */
export async function recordNodeStatus(
  db: Pick<Db, 'dataPlaneNode'>,
  nodeId: string,
  tokenId: string,
  report: NodeStatusReport,
  now: Date,
): Promise<void> {
  const data = {
    hostname: report.hostname,
    tokenId,
    appliedVersion: report.appliedVersion,
    appliedHash: report.appliedHash,
    credentialSeq: BigInt(report.credentialSeq),
    lastError: report.error,
    gatewayVersion: report.gatewayVersion ?? null,
    health: report.services === undefined ? DbNull : (report.services as Prisma.InputJsonValue),
    lastSeenAt: now,
  };
  await db.dataPlaneNode.upsert({
    where: { id: nodeId },
    create: { id: nodeId, firstSeenAt: now, ...data },
    update: data,
  });
}
