import { z } from 'zod';

export const ZDeleteAccountInput = z.object({ password: z.string().min(1).max(1000) });
