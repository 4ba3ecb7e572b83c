import type { Prisma } from '@portico/db';
import type { ApiServices } from '../trpc';
import { type AuditContext, recordAudit } from './record-audit';

type AuditedContext = AuditContext & Pick<ApiServices, 'db'>;

/** The audit row's action and target type, e.g. `consumer.create` on a `consumer`. */
export interface AuditTarget {
  action: string;
  targetType: string;
}

/** An audit target for a create that returns more than the entity, e.g. a clear secret beside it. */
export interface IssueAuditTarget<T> extends AuditTarget {
  /** The entity within the result that the audit row records as `after`. */
  recordOf: (issued: T) => { id: string };
}

/**
 * Creates through a service and audits the created entity as `after`, in one transaction.
 * Resolves to the service's whole result (a clear key or token is returned once, never audited).
 */
export function auditedIssue<T>(
  ctx: AuditedContext,
  // Before the target, so `recordOf` sees the type `issue` resolves to.
  issue: (tx: Prisma.TransactionClient) => Promise<T>,
  { action, targetType, recordOf }: IssueAuditTarget<T>,
): Promise<T> {
  return ctx.db.$transaction(async (tx) => {
    const issued = await issue(tx);
    const after = recordOf(issued);
    await recordAudit(tx, ctx, { action, targetType, targetId: after.id, after });
    return issued;
  });
}

/**
 * Creates one entity through its service and audits it with what was created as `after`, in one
 * transaction. Resolves to what was created.
 */
export function auditedCreate<T extends { id: string }>(
  ctx: AuditedContext,
  target: AuditTarget,
  create: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return auditedIssue(ctx, create, { ...target, recordOf: (created) => created });
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

/** What a service's change returns: the entity as it was and as it is. */
export interface Change<T> {
  before: unknown;
  after: T;
  /** False when the call was a no-op (e.g. revoking what is already revoked): nothing to audit. */
  changed?: boolean;
}

/**
 * Changes one entity through its service and audits both states, in one transaction (no row
 * when the service reports the call changed nothing). Resolves to the entity as it is now.
 */
export function auditedChange<T extends { id: string }>(
  ctx: AuditedContext,
  target: AuditTarget,
  change: (tx: Prisma.TransactionClient) => Promise<Change<T>>,
): Promise<T> {
  return ctx.db.$transaction(async (tx) => {
    const { before, after, changed } = await change(tx);
    if (changed !== false) {
      await recordAudit(tx, ctx, { ...target, targetId: after.id, before, after });
    }
    return after;
  });
}
