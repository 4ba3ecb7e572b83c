import { ZDiscoveryRef, ZName, ZServiceSettings, ZTarget } from '@portico/config';
import { z } from 'zod';

export const ZCreateServiceInput = z.object({
  name: ZName,
  description: z.string().max(2000).optional(),
  /** Each host is checked by ZHost: link-local / metadata addresses in any spelling are refused. */
  targets: z.array(ZTarget).max(1000).default([]),
  discovery: ZDiscoveryRef.optional(),
  settings: ZServiceSettings.prefault({}),
});
