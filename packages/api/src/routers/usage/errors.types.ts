import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';
import { checkWindow, ZUsageWindowFields } from './usage-filters.types';

export const ZUsageErrorsInput = z
  .object({
    ...ZUsageWindowFields,
    apiId: ZId.optional(),
    routeId: ZId.optional(),
    consumerId: ZId.optional(),
    keyId: ZId.optional(),
  })
  .superRefine(checkWindow);
