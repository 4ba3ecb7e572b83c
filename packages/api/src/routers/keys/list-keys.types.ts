import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

export const ZListKeysInput = z.object({ consumerId: ZId.optional() }).default({});
