import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZListPortalSubscriptionsInput = z.object({ appId: ZId.optional() }).default({});
