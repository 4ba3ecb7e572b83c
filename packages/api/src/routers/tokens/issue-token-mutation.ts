import type { Prisma } from '@portico/db';
import { auditedIssue } from '../../audit/audited-write';
import type { Actor, ApiContext } from '../../trpc';

/** A token service's create: for the calling user, returning the clear token beside its record. */
type IssueToken<Input> = (
  tx: Prisma.TransactionClient,
  userId: string,
  input: Input,
  now: Date,
) => Promise<{ token: string; record: { id: string } }>;

type SignedInContext = Pick<ApiContext, 'db' | 'now' | 'requestId'> & { actor: Actor };

/**
 * The mutation that issues a machine or personal token for the caller and audits it as
 * `token.create_<kind>` on a `<kind>_token`: the token's record, never its secret.
 */
export function issueTokenMutation<Input, Issued extends Awaited<ReturnType<IssueToken<Input>>>>(
  kind: 'machine' | 'personal',
  issue: (...args: Parameters<IssueToken<Input>>) => Promise<Issued>,
) {
  return ({ ctx, input }: { ctx: SignedInContext; input: Input }): Promise<Issued> =>
    auditedIssue(ctx, (tx) => issue(tx, ctx.actor.userId, input, ctx.now()), {
      action: `token.create_${kind}`,
      targetType: `${kind}_token`,
      recordOf: (created) => created.record,
    });
}
