import { ZName, ZRegistryType } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';
import { ZRegistryCredentials } from './create-registry.types';

export const ZUpdateRegistryInput = z.object({
  id: ZId,
  name: ZName.optional(),
  type: ZRegistryType.optional(),
  address: z.string().trim().max(2000).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  /** Absent keeps the stored credentials; null removes them. */
  credentials: ZRegistryCredentials.nullable().optional(),
});
