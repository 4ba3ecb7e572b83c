import { z } from 'zod';

export const ZVerifyEmailInput = z.object({ token: z.string().min(1).max(200) });
