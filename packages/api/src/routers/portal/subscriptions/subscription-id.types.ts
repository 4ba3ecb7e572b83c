import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZSubscriptionIdInput = z.object({ subscriptionId: ZId });
