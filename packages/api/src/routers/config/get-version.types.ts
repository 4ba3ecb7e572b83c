import { z } from 'zod';

export const ZGetVersionInput = z.object({ number: z.number().int().min(1) });
