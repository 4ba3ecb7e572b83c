import { z } from 'zod';

export const ZListConsumersInput = z
  .object({
    search: z.string().trim().max(200).optional(),
    status: z.enum(['active', 'suspended']).optional(),
  })
  .default({});
