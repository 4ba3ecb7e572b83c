import type { AuditLog, Prisma } from '@portico/db';

export interface AuditPage {
  items: AuditLog[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface AuditFilter {
  cursor?: string | undefined;
  limit: number;
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
}

/** Newest first. Audit ids sort by creation time, so the last id of a page is the cursor. */
export async function listAudit(
  tx: Prisma.TransactionClient,
  filter: AuditFilter,
): Promise<AuditPage> {
  const items = await tx.auditLog.findMany({
    where: {
      id: filter.cursor ? { lt: filter.cursor } : undefined,
      actorId: filter.actorId,
      action: filter.action,
      targetType: filter.targetType,
      targetId: filter.targetId,
    },
    orderBy: { id: 'desc' },
    take: filter.limit + 1,
  });
  const hasMore = items.length > filter.limit;
  const page = hasMore ? items.slice(0, filter.limit) : items;
  return { items: page, nextCursor: hasMore ? (page[page.length - 1]?.id ?? null) : null };
}
