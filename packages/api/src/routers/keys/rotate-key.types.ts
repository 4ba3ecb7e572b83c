import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

/** How long the old key keeps working beside the new one; 0 revokes it at once. */
export const ZGracePeriodSeconds = z
  .number()
  .int()
  .min(0)
  .max(30 * 86_400);

export const ZRotateKeyInput = z.object({
  id: ZId,
  gracePeriodSeconds: ZGracePeriodSeconds.default(0),
});
export const ZKeyIdInput = z.object({ id: ZId });
