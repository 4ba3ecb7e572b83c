import { z } from 'zod';
import {
  ZCredentialExpiresInSeconds,
  ZCredentialName,
  ZCredentialSpec,
} from '../../services/credentials/credential-specs';
import { ZId } from '../../services/shared/schemas';

export const ZCredentialKindFilter = z.enum(['basic', 'hmac', 'ed25519', 'mtls']);

export const ZListCredentialsInput = z
  .object({ consumerId: ZId.optional(), kind: ZCredentialKindFilter.optional() })
  .default({});

export const ZCreateCredentialInput = z.object({
  consumerId: ZId,
  name: ZCredentialName,
  expiresInSeconds: ZCredentialExpiresInSeconds,
  spec: ZCredentialSpec,
});

export const ZCredentialIdInput = z.object({ id: ZId });
