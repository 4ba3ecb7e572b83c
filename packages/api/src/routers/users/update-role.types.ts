import { z } from 'zod';
import { ZId, ZOperatorRole } from '../../services/shared/schemas';

export const ZUpdateRoleInput = z.object({ id: ZId, role: ZOperatorRole });
