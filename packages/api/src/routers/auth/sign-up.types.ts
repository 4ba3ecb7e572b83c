import { z } from 'zod';
import { ZEmail, ZPassword, ZPersonName } from '../../services/shared/schemas';

export const ZSignUpInput = z.object({ email: ZEmail, password: ZPassword, name: ZPersonName });
