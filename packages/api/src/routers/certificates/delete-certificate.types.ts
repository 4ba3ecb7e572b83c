import { ZName } from '@portico/config';
import { z } from 'zod';

export const ZDeleteCertificateInput = z.object({ name: ZName });
