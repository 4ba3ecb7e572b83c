import { z } from 'zod';
import { ZEmail } from '../../../services/shared/schemas';

export const ZResendVerificationInput = z.object({ email: ZEmail });
