import { z } from 'zod';
import { ZPassword } from '../../../services/shared/schemas';

export const ZResetPasswordInput = z.object({
  token: z.string().min(1).max(200),
  password: ZPassword,
});
