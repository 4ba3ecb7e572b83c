import { ZName, ZRegistryType } from '@portico/config';
import { z } from 'zod';

export const ZRegistryCredentials = z.record(z.string().max(100), z.string().max(10_000));

export const ZCreateRegistryInput = z.object({
  name: ZName,
  type: ZRegistryType,
  address: z.string().trim().max(2000).default(''),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Write-only: sealed with AES-256-GCM, never returned. */
  credentials: ZRegistryCredentials.optional(),
});
