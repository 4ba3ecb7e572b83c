import { formatIssues } from '@portico/config';
import type { z } from 'zod';
import { PorticoError } from './domain-errors';

/**
 * A JSON column's value parsed with the schema its field is written with, so a read hands on
 * what the type says. Stored data that does not fit (a row edited by hand, or written before a
 * rule was tightened) fails here with a message naming the entity and field, rather than
 * travelling on as a type it is not. `where` names them, e.g. `API orders: auth`.
 */
export function parseJsonColumn<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PorticoError(
    'CTL_INTERNAL',
    `stored ${where} does not match its schema: ${formatIssues(parsed.error).join('; ')}`,
  );
}

/** parseJsonColumn for a nullable column: SQL NULL stays null. */
export function parseNullableJsonColumn<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> | null {
  return value === null ? null : parseJsonColumn(schema, value, where);
}
