import { ZUsageFilterFields, ZUsageWindowInput } from './usage-filters.types';

export const ZUsageLatencyInput = ZUsageWindowInput.safeExtend(ZUsageFilterFields);
