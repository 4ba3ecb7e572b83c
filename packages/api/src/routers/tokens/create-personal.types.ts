import { z } from 'zod';

export const ZCreatePersonalInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
