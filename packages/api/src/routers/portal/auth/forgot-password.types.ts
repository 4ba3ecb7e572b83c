import { z } from 'zod';
import { ZEmail } from '../../../services/shared/schemas';

export const ZForgotPasswordInput = z.object({ email: ZEmail });
