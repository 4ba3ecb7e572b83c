import { ZNewApiFields } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZSlug = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-"');

/** A new API's fields, with its slug (derived from the name when absent) and its service. */
export const ZCreateApiInput = ZNewApiFields.extend({
  slug: ZSlug.optional(),
  serviceId: ZId,
});
