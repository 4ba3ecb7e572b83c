import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

/** A key's label, shared by the console's and the portal's create-key inputs. */
export const ZKeyName = z.string().trim().min(1, 'must not be empty').max(100).default('default');

/** Unset: the key does not expire. */
export const ZKeyExpiresInSeconds = z
  .number()
  .int()
  .min(60)
  .max(10 * 365 * 86_400)
  .optional();

export const ZCreateKeyInput = z.object({
  consumerId: ZId,
  name: ZKeyName,
  expiresInSeconds: ZKeyExpiresInSeconds,
});
