import { z } from 'zod';
import { ZEmail, ZOperatorRole } from '../../services/shared/schemas';

export const ZInviteUserInput = z.object({ email: ZEmail, role: ZOperatorRole });
