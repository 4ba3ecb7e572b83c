import { parseDuration } from './duration';
import { badInput } from './exit-codes';

/** A version number or similar: a positive whole number, named in the error when it is not. */
export function parsePositiveInt(what: string, text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw badInput(`${what}: ${JSON.stringify(text)} is not a positive whole number`);
  }
  return Number(text);
}

/** `--expires 30d` and friends, in seconds. */
export function parseDurationOption(flag: string, text: string): number {
  const result = parseDuration(text);
  if (!result.ok) throw badInput(`${flag}: ${result.message}`);
  return result.seconds;
}

export function requireOption(flag: string, value: string | undefined, hint: string): string {
  if (value === undefined || value.trim() === '') {
    throw badInput(`${flag} is required: ${hint}`);
  }
  return value;
}
