import { ZDiscoveryRef, ZName, ZServiceSettings, ZTarget } from '@portico/config';
import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZUpdateServiceInput = z.object({
  id: ZId,
  name: ZName.optional(),
  description: z.string().max(2000).nullable().optional(),
  targets: z.array(ZTarget).max(1000).optional(),
  /** null switches the service to static targets. */
  discovery: ZDiscoveryRef.nullable().optional(),
  /** Replaces all settings; omitted sections take their defaults. */
  settings: ZServiceSettings.optional(),
});
