import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZCreateSubscriptionInput = z.object({ consumerId: ZId, planId: ZId });
export const ZSubscriptionIdInput = z.object({ id: ZId });
