import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';
import { ZGranularity, ZUsageWindowInput } from '../../usage/usage-filters.types';

/** Which of the developer's traffic: all their apps, one app, one key, optionally one API. */
const ZPortalUsageFilterFields = {
  appId: ZId.optional(),
  keyId: ZId.optional(),
  apiId: ZId.optional(),
};

export const ZPortalUsageSeriesInput = ZUsageWindowInput.safeExtend({
  granularity: ZGranularity,
  ...ZPortalUsageFilterFields,
});

export const ZPortalUsageWindowInput = ZUsageWindowInput.safeExtend(ZPortalUsageFilterFields);

export const ZPortalQuotaInput = z.object({ appId: ZId.optional() }).default({});
