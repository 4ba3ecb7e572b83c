import { z } from 'zod';
import { ZPassword, ZPersonName } from '../../services/shared/schemas';

export const ZAcceptInviteInput = z.object({
  token: z.string().min(1).max(200),
  password: ZPassword,
  name: ZPersonName,
});
