import { z } from 'zod';
import { ZPassword } from '../../../services/shared/schemas';

export const ZChangePasswordInput = z.object({
  currentPassword: z.string().min(1).max(1000),
  newPassword: ZPassword,
});
