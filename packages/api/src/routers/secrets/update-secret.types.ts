import { ZName } from '@portico/config';
import { z } from 'zod';
import { ZSecretValue } from './create-secret.types';

/** Rotation: a new value for an existing secret (found by name). */
export const ZUpdateSecretInput = z.object({
  name: ZName,
  /** Write-only: sealed with AES-256-GCM, never returned. */
  value: ZSecretValue,
  description: z.string().trim().max(500).optional(),
});
