import type { Db } from '@portico/db';

/** A node that has not asked for config for this long is shown as stale (long-polls renew every ~30 s). */
export const STALE_AFTER_MS = 90_000;

export interface DataPlaneNodeView {
  id: string;
  hostname: string;
  appliedVersion: number;
  appliedHash: string | null;
  credentialSeq: number;
  lastError: string | null;
  gatewayVersion: string | null;
  health: unknown;
  firstSeenAt: Date;
  lastSeenAt: Date;
  stale: boolean;
  /** True when the node runs an older version than the latest published one. */
  behind: boolean;
}

/** Every gateway node known to the control plane, most recently seen first. */
export async function listDataPlaneNodes(
  db: Db,
  now: Date,
): Promise<{ latestVersion: number | null; nodes: DataPlaneNodeView[] }> {
  const [nodes, latest] = await Promise.all([
    db.dataPlaneNode.findMany({ orderBy: { lastSeenAt: 'desc' } }),
    db.configVersion.findFirst({ orderBy: { number: 'desc' }, select: { number: true } }),
  ]);
  const latestVersion = latest?.number ?? null;
  return {
    latestVersion,
    nodes: nodes.map((n) => ({
      id: n.id,
      hostname: n.hostname,
      appliedVersion: n.appliedVersion,
      appliedHash: n.appliedHash,
      credentialSeq: Number(n.credentialSeq),
      lastError: n.lastError,
      gatewayVersion: n.gatewayVersion,
      health: n.health,
      firstSeenAt: n.firstSeenAt,
      lastSeenAt: n.lastSeenAt,
      stale: now.getTime() - n.lastSeenAt.getTime() > STALE_AFTER_MS,
      behind: latestVersion !== null && n.appliedVersion < latestVersion,
    })),
  };
}
