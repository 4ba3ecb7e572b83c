import { ZName } from '@portico/config';
import { z } from 'zod';

export const ZCreateAppInput = z.object({
  name: ZName,
  description: z.string().trim().max(2000).optional(),
});
