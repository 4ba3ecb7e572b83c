import { z } from 'zod';

export const ZListApisInput = z
  .object({ search: z.string().trim().max(200).optional() })
  .default({});
