import { ZRegistryFields } from '@portico/config';

const REGISTRY = ZRegistryFields.shape;

export const ZCreateRegistryInput = ZRegistryFields.extend({
  address: REGISTRY.address.default(''),
  options: REGISTRY.options.default({}),
  credentials: REGISTRY.credentials.optional(),
});
