import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';
import { checkWindow, ZUsageWindowFields } from '../../usage/usage-filters.types';

/** Which of the developer's traffic: all their apps, one app, one key, optionally one API. */
const ZPortalUsageFilterFields = {
  appId: ZId.optional(),
  keyId: ZId.optional(),
  apiId: ZId.optional(),
};

export const ZPortalUsageSeriesInput = z
  .object({
    ...ZUsageWindowFields,
    granularity: z.enum(['minute', 'hour', 'day']),
    ...ZPortalUsageFilterFields,
  })
  .superRefine(checkWindow);

export const ZPortalUsageWindowInput = z
  .object({ ...ZUsageWindowFields, ...ZPortalUsageFilterFields })
  .superRefine(checkWindow);

export const ZPortalQuotaInput = z.object({ appId: ZId.optional() }).default({});
