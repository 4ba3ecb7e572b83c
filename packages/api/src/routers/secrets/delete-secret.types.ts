import { ZName } from '@portico/config';
import { z } from 'zod';

export const ZDeleteSecretInput = z.object({ name: ZName });
