import { z } from 'zod';

export const ZPublishConfigInput = z.object({
  message: z.string().trim().min(1, 'must not be empty').max(500),
});
