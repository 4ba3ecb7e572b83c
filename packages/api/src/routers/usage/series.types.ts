import { ZGranularity, ZUsageFilterFields, ZUsageWindowInput } from './usage-filters.types';

export const ZUsageSeriesInput = ZUsageWindowInput.safeExtend({
  granularity: ZGranularity,
  ...ZUsageFilterFields,
});
