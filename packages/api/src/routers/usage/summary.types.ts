import { z } from 'zod';

export const ZUsageSummaryInput = z.object({
  apiName: z.string().trim().min(1).max(200).optional(),
  consumerName: z.string().trim().min(1).max(200).optional(),
  sinceSeconds: z
    .number()
    .int()
    .min(1)
    .max(400 * 86_400)
    .default(3_600),
});
