import { ZName } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZUpdateAppInput = z.object({
  id: ZId,
  name: ZName.optional(),
  description: z.string().trim().max(2000).nullable().optional(),
});
