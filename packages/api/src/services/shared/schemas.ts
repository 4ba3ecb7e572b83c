import { z } from 'zod';

// Account fields live in @portico/config so the console's forms apply the same rules.
export { ZEmail, ZOperatorRole, ZPassword, ZPersonName } from '@portico/config';

export const ZId = z.string().min(1).max(100);
