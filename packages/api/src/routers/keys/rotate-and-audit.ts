import type { Prisma } from '@portico/db';
import { type AuditContext, recordAudit } from '../../audit/record-audit';
import { rotateKey } from '../../services/keys/api-keys';

export interface KeyRotation {
  /** The developer scope the key must belong to; null for operators. */
  ownerScope: string | null;
  input: { id: string; gracePeriodSeconds: number };
  auditAction: string;
}

/** Rotates a key, audits old and replacement together, and answers with the new clear key once. */
export async function rotateAndAudit(
  tx: Prisma.TransactionClient,
  ctx: AuditContext & { now: () => Date },
  { ownerScope, input, auditAction }: KeyRotation,
) {
  const { key, clear, before, old } = await rotateKey(tx, ownerScope, input, ctx.now());
  await recordAudit(tx, ctx, {
    action: auditAction,
    targetType: 'key',
    targetId: old.id,
    before,
    after: { old, replacement: key },
  });
  return { key, clear, previous: old };
}
