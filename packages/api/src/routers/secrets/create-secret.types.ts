import { ZSecretFields } from '@portico/config';

export const ZCreateSecretInput = ZSecretFields.partial({ description: true });
