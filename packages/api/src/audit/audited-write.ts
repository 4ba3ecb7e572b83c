import type { Prisma } from '@portico/db';
import type { ApiServices } from '../trpc';
import { type AuditContext, recordAudit } from './record-audit';

type AuditedContext = AuditContext & Pick<ApiServices, 'db'>;

/** The audit row's action and target type, e.g. `consumer.create` on a `consumer`. */
export interface AuditTarget {
  action: string;
  targetType: string;
}

/**
 * Creates one entity through its service and audits it with what was created as `after`, in one
 * transaction. Resolves to what was created.
 */
export function auditedCreate<T extends { id: string }>(
  ctx: AuditedContext,
  { action, targetType }: AuditTarget,
  create: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return ctx.db.$transaction(async (tx) => {
    const after = await create(tx);
    await recordAudit(tx, ctx, { action, targetType, targetId: after.id, after });
    return after;
  });
}

/**
 * Deletes one entity through its service and audits it as `<targetType>.delete`, with what was
 * deleted as `before`, in one transaction. Resolves to what was deleted.
 */
export function auditedDelete<T extends { id: string }>(
  ctx: AuditedContext,
  targetType: string,
  remove: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return ctx.db.$transaction(async (tx) => {
    const before = await remove(tx);
    await recordAudit(tx, ctx, {
      action: `${targetType}.delete`,
      targetType,
      targetId: before.id,
      before,
    });
    return before;
  });
}
