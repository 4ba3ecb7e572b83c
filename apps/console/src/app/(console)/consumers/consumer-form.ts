import { webhookUrlProblem, ZName } from '@portico/config';
import { z } from 'zod';

/**
 * What the consumer form sends, checked as the server checks consumers.create: the webhook URL
 * goes through the same webhookUrlProblem rule (http(s), no credentials, no metadata host), so
 * the form names the problem before the server would refuse it.
 */
export const ZConsumerForm = z.object({
  name: ZName,
  description: z.string().max(2000).optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .superRefine((url, ctx) => {
      const problem = webhookUrlProblem(url);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});
