import { ZRegistryFields } from '@portico/config';
import { ZId } from '../../services/shared/schemas';

/** Every field optional: what is left out stays as it is. */
export const ZUpdateRegistryInput = ZRegistryFields.partial().extend({
  id: ZId,
  /** Absent keeps the stored credentials; null removes them. */
  credentials: ZRegistryFields.shape.credentials.nullable().optional(),
});
