import { z } from 'zod';
import { ZEmail, ZPassword, ZPersonName } from '../../services/shared/schemas';

export const ZSetupInput = z.object({ email: ZEmail, password: ZPassword, name: ZPersonName });
