import { z } from 'zod';

export const ZListVersionsInput = z
  .object({
    /** Continue below this version number (the previous page's nextCursor). */
    cursor: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .prefault({});
