import { ZSecretFields } from '@portico/config';

/** Rotation: a new value for an existing secret (found by name). */
export const ZUpdateSecretInput = ZSecretFields.partial({ description: true });
