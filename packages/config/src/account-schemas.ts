import { z } from 'zod';

/**
 * Account and membership fields, shared by the control plane's procedures and the console's
 * forms so both apply the same rules.
 */

/** Emails compare case-insensitively; store them lower-cased and trimmed. */
export const ZEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('must be an email address'))
  .transform((e) => e.toLowerCase());

export const ZPassword = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(1000, 'must be at most 1000 characters');

export const ZPersonName = z.string().trim().min(1, 'must not be empty').max(200);

export const ZOperatorRole = z.enum(['owner', 'admin', 'editor', 'viewer']);
