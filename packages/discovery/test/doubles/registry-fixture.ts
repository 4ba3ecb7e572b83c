import type { RegistryType, SnapshotRegistry } from '@portico/config';
import { createDiscoveryAdapter } from '../../src/index';
import { UpdateRecorder } from '../../src/testing/index';
import type { InstanceUpdate } from '../../src/types';

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

/**
 * Watches `service` through an adapter given wrong `secrets`, and returns the degraded update it
 * reports with everything it logged, for a test to check the refusal and that no secret leaks.
 */
export async function watchWithWrongSecrets(
  registry: SnapshotRegistry,
  secrets: Record<string, string>,
  service: string,
): Promise<{ update: InstanceUpdate; logged: string }> {
  const log = recordingLogger();
  const adapter = createDiscoveryAdapter(registry, secrets, {
    logger: log.logger,
    random: () => 0,
  });
  const rec = new UpdateRecorder();
  const stop = adapter.watch({ service }, rec.listener);
  try {
    const update = await rec.waitFor((u) => u.status === 'degraded', 10_000, 'the auth failure');
    return { update, logged: log.lines.join('\n') };
  } finally {
    stop();
    await adapter.close();
  }
}
