import { ZUsageEntityFilterFields, ZUsageWindowInput } from './usage-filters.types';

export const ZUsageErrorsInput = ZUsageWindowInput.safeExtend(ZUsageEntityFilterFields);
