import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZCreateKeyInput = z.object({
  consumerId: ZId,
  name: z.string().trim().min(1, 'must not be empty').max(100).default('default'),
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 86_400)
    .optional(),
});
