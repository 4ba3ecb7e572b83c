import { z } from 'zod';
import {
  ZCredentialExpiresInSeconds,
  ZCredentialName,
} from '../../services/credentials/credential-specs';
import { ZId } from '../../services/shared/schemas';

/** A key is labelled (shared by the console's and the portal's inputs) like any credential. */
export const ZKeyName = ZCredentialName;

/** Unset: the key does not expire; the bounds are a credential's. */
export const ZKeyExpiresInSeconds = ZCredentialExpiresInSeconds;

export const ZCreateKeyInput = z.object({
  consumerId: ZId,
  name: ZKeyName,
  expiresInSeconds: ZKeyExpiresInSeconds,
});
