import { z } from 'zod';
import { ZEmail } from '../../../services/shared/schemas';

/** Who asks for an account link (a password reset, a new verification link). */
export const ZAccountLinkInput = z.object({ email: ZEmail });
