import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZRegistryInstancesInput = z.object({
  id: ZId,
  service: z.string().trim().min(1, 'name a service').max(253),
});
