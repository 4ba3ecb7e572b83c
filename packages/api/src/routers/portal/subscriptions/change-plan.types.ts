import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZChangePlanInput = z.object({ subscriptionId: ZId, planId: ZId });
