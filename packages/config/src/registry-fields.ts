import { z } from 'zod';
import { ZName, ZRegistryType } from './service-settings';

/**
 * The fields of a registry connection that people and documents set, each with its one rule. The
 * control plane's create and update inputs, the declarative file, the snapshot and the console's
 * registry form derive their shapes from it.
 */
export const ZRegistryFields = z.object({
  name: ZName,
  type: ZRegistryType,
  address: z.string().trim().max(2000),
  options: z.record(z.string(), z.unknown()),
  /** Write-only: sealed with AES-256-GCM, never returned, dumped or published. */
  credentials: z.record(z.string().max(100), z.string().max(10_000)),
});
export type RegistryFields = z.infer<typeof ZRegistryFields>;
