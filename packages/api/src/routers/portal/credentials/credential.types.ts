import { z } from 'zod';
import { ZId } from '../../../services/shared/schemas';
import { ZCreateCredentialInput } from '../../credentials/credential.types';

export const ZListPortalCredentialsInput = z.object({ appId: ZId.optional() }).default({});

/** The console's create input, naming the developer's app where the console names a consumer. */
export const ZCreatePortalCredentialInput = ZCreateCredentialInput.omit({
  consumerId: true,
}).extend({
  appId: ZId,
});
