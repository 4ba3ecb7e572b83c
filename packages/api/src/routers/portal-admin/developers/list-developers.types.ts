import { z } from 'zod';

export const ZListDevelopersInput = z
  .object({
    status: z.enum(['active', 'pending', 'rejected', 'suspended']).optional(),
    search: z.string().trim().min(1).max(200).optional(),
  })
  .default({});
