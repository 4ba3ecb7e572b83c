import { z } from 'zod';

export const ZRollbackConfigInput = z.object({
  to: z.number().int().min(1),
  message: z.string().trim().min(1).max(500).optional(),
});
