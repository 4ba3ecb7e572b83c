import { z } from 'zod';

export const ZListCatalogInput = z
  .object({
    search: z.string().trim().min(1).max(200).optional(),
    tag: z.string().trim().min(1).max(100).optional(),
    version: z.string().trim().min(1).max(50).optional(),
  })
  .default({});
