import { type ControlPlane, RedisServer, startControlPlane } from '@portico/testkit';

/**
 * The real control plane as its own process with the built-in registry (/registry/v1) mounted on
 * a private redis-server (the registry keeps its keys under the default prefix, which must never
 * land in the machine's shared Redis), and one registry token per scope made through tRPC.
 */
export interface RegistryControlPlane {
  control: ControlPlane;
  tokens: { register: string; read: string };
  close(): Promise<void>;
}

export async function startRegistryControlPlane(name: string): Promise<RegistryControlPlane> {
  const redis = await RedisServer.start();
  const control = await startControlPlane({ redisUrl: redis.url }).catch(async (error) => {
    await redis.stop();
    throw error;
  });
  const close = async () => {
    await control.close();
    await redis.stop();
  };
  try {
    const token = async (scope: 'register' | 'read') =>
      (
        await control.trpc<{ token: string }>('tokens.createMachine', {
          kind: 'registry',
          name: `${name} ${scope}`,
          scopes: [scope],
        })
      ).token;
    return {
      control,
      tokens: { register: await token('register'), read: await token('read') },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
