import { z } from 'zod';
import { ZEmail } from '../../services/shared/schemas';

export const ZSignInInput = z.object({ email: ZEmail, password: z.string().min(1).max(1000) });
