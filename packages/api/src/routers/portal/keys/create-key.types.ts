import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZCreatePortalKeyInput = z.object({
  appId: ZId,
  name: z.string().trim().min(1, 'must not be empty').max(100).default('default'),
  /** Unset: the key does not expire. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 86_400)
    .optional(),
});
