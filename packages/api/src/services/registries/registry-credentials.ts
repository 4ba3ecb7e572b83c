import { openSealed } from '../../crypto/seal';

/** The registry's sealed credentials opened into the string map adapters take ({} when none). */
export function openRegistryCredentials(
  secretKey: Buffer,
  sealed: string | null,
): Record<string, string> {
  if (!sealed) return {};
  const parsed: unknown = JSON.parse(openSealed(secretKey, sealed));
  if (typeof parsed !== 'object' || parsed === null) return {};
  return Object.fromEntries(
    Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
