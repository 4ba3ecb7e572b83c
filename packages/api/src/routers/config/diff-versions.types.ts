import { z } from 'zod';

export const ZDiffVersionsInput = z.object({
  a: z.number().int().min(1),
  b: z.number().int().min(1),
});
