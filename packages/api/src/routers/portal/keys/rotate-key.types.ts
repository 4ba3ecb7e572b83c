import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZRotatePortalKeyInput = z.object({
  id: ZId,
  /** How long the old key keeps working beside the new one; 0 revokes it at once. */
  gracePeriodSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(86_400),
});
