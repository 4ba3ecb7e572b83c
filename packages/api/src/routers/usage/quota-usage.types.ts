import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZQuotaUsageInput = z.object({ consumerId: ZId.optional() }).default({});
