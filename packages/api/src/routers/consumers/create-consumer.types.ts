import { webhookUrlProblem, ZName } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

/** Where the worker POSTs quota notifications; see webhookUrlProblem for what is refused. */
export const ZWebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .superRefine((url, ctx) => {
    const problem = webhookUrlProblem(url);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

export const ZCreateConsumerInput = z.object({
  name: ZName,
  description: z.string().max(2000).optional(),
  /** A developer's user id; developers may only pass their own (it is the default for them). */
  ownerId: ZId.optional(),
  webhookUrl: ZWebhookUrl.optional(),
});
