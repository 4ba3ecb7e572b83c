import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';

export const ZListPortalKeysInput = z.object({ appId: ZId.optional() }).default({});
