'use client';

import { Alert } from '@portico/ui';
import { errorMessage, fieldError } from '../lib/errors';

/**
 * A form's failure above its fields, unless it is about `field`: that one shows under the field
 * itself, so it is not said twice.
 */
export function FormError({ error, field }: { error: unknown; field: string }) {
  if (!error || fieldError(error, field) !== null) return null;
  return <Alert>{errorMessage(error)}</Alert>;
}
