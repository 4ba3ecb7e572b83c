import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';
import { ZKeyExpiresInSeconds, ZKeyName } from '../../keys/create-key.types';

export const ZCreatePortalKeyInput = z.object({
  appId: ZId,
  name: ZKeyName,
  expiresInSeconds: ZKeyExpiresInSeconds,
});
