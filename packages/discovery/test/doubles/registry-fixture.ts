import type { RegistryType, SnapshotRegistry } from '@portico/config';

export function registryOf(
  type: RegistryType,
  address: string,
  options: Record<string, unknown> = {},
): SnapshotRegistry {
  return { id: `reg_${type}`, name: `${type}-test`, type, address, options, hasCredentials: true };
}

/** Records everything the adapter logs, to prove credentials never appear in it. */
export function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      warn: (details: object, message: string) =>
        lines.push(`${message} ${JSON.stringify(details)}`),
      info: (details: object, message: string) =>
        lines.push(`${message} ${JSON.stringify(details)}`),
    },
  };
}
