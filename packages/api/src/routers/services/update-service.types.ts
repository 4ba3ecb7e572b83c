import { ZServiceFields } from '@portico/config';
import { ZId } from '../../services/shared/schemas';

const SERVICE = ZServiceFields.shape;

/** Every field optional: what is left out stays as it is. */
export const ZUpdateServiceInput = ZServiceFields.partial().extend({
  id: ZId,
  description: SERVICE.description.nullable().optional(),
  /** null switches the service to static targets. */
  discovery: SERVICE.discovery.nullable().optional(),
  /** Replaces all settings; omitted sections take their defaults. */
  settings: SERVICE.settings.optional(),
});
