import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZSubscribeInput = z.object({ appId: ZId, planId: ZId });
