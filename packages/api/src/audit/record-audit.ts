import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import type { Actor } from '../trpc';
import { redactForAudit } from './redact';

export interface AuditEntry {
  /** `<area>.<verb>`, e.g. `service.create`. */
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

/** The part of the request context an audit row needs. */
export interface AuditContext {
  actor: Actor | null;
  requestId: string;
}

/** Who did it, as a label that survives the user being deleted. */
export function actorLabel(actor: Actor | null): string {
  if (!actor) return 'anonymous';
  return `${actor.email} (${actor.kind === 'operator' ? actor.role : 'developer'}, ${actor.via})`;
}

/** Writes one audit row inside the mutation's transaction, so it exists exactly when the change does. */
export async function recordAudit(
  tx: Prisma.TransactionClient,
  ctx: AuditContext,
  entry: AuditEntry,
): Promise<void> {
  const before = redactForAudit(entry.before);
  const after = redactForAudit(entry.after);
  await tx.auditLog.create({
    data: {
      id: newId('audit'),
      actorId: ctx.actor?.userId ?? null,
      actorLabel: actorLabel(ctx.actor),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: before === null ? undefined : (before as Prisma.InputJsonValue),
      after: after === null ? undefined : (after as Prisma.InputJsonValue),
      requestId: ctx.requestId,
    },
  });
}
