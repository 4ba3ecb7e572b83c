import { z } from 'zod';

/** Same limit as OpenAPI uploads: a config file bigger than this is a mistake, not a config. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export const ZApplyConfigInput = z.object({
  /** The declarative file, as YAML/JSON text or already parsed. */
  document: z.union([z.string(), z.record(z.string(), z.unknown())]),
  dryRun: z.boolean().default(false),
  message: z.string().trim().min(1).max(500).optional(),
});
