import { z } from 'zod';
import {
  ZCredentialExpiresInSeconds,
  ZCredentialName,
  ZCredentialSpec,
} from '../../../services/credentials/credential-specs';
import { ZId } from '../../../services/shared/schemas';

export const ZListPortalCredentialsInput = z.object({ appId: ZId.optional() }).default({});

export const ZCreatePortalCredentialInput = z.object({
  appId: ZId,
  name: ZCredentialName,
  expiresInSeconds: ZCredentialExpiresInSeconds,
  spec: ZCredentialSpec,
});

export const ZPortalCredentialIdInput = z.object({ id: ZId });
