import { ZServiceFields } from '@portico/config';

const SERVICE = ZServiceFields.shape;

export const ZCreateServiceInput = ZServiceFields.extend({
  description: SERVICE.description.optional(),
  targets: SERVICE.targets.default([]),
  discovery: SERVICE.discovery.optional(),
  settings: SERVICE.settings.prefault({}),
});
