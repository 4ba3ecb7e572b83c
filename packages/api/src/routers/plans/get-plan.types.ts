import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZPlanIdInput = z.object({ id: ZId });
