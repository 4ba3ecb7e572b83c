import { z } from 'zod';
import { ZEmail, ZPassword, ZPersonName } from '../../../services/shared/schemas';

export const ZPortalSignUpInput = z.object({
  email: ZEmail,
  password: ZPassword,
  name: ZPersonName,
  /** The token from an invitation link; required when the portal is invite-only. */
  inviteToken: z.string().min(1).max(200).optional(),
});
