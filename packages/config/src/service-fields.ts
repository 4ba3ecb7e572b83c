import { z } from 'zod';
import { ZDiscoveryRef, ZName, ZServiceSettings, ZTarget } from './service-settings';

/** A service lists at most this many static targets, in every shape it has. */
export const MAX_SERVICE_TARGETS = 1000;

/**
 * The fields of a service that people and documents set, each with its one rule. The control
 * plane's create and update inputs, the declarative file, the snapshot and the console's service
 * form derive their shapes from it.
 */
export const ZServiceFields = z.object({
  name: ZName,
  description: z.string().max(2000),
  /** Each host is checked by ZHost: link-local / metadata addresses in any spelling are refused. */
  targets: z.array(ZTarget).max(MAX_SERVICE_TARGETS),
  discovery: ZDiscoveryRef,
  settings: ZServiceSettings,
});
export type ServiceFields = z.infer<typeof ZServiceFields>;
