import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';
import { ZGracePeriodSeconds } from '../../keys/rotate-key.types';

export const ZRotatePortalKeyInput = z.object({
  id: ZId,
  /** Developers get a day of overlap by default, time to roll the new key out. */
  gracePeriodSeconds: ZGracePeriodSeconds.default(86_400),
});
