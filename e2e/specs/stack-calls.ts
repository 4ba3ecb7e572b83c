/** Calls to the stack's gateway and registry API, as clients outside the stack make them. */
import { waitFor } from '../stack/wait';

/** Status and body (parsed when JSON) of one gateway answer. */
export interface GatewayAnswer {
  status: number;
  body: unknown;
}

/** Calls and waits on the gateway at `gatewayUrl`, with an API key when given. */
export function gatewayClient(gatewayUrl: string): {
  callGateway(path: string, key?: string): Promise<GatewayAnswer>;
  gatewayStatus(path: string, key?: string): Promise<number>;
  waitForGatewayStatus(path: string, status: number, key?: string): Promise<GatewayAnswer>;
} {
  async function callGateway(path: string, key?: string): Promise<GatewayAnswer> {
    const response = await fetch(`${gatewayUrl}${path}`, {
      headers: key ? { 'x-api-key': key } : {},
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the assertion message.
    }
    return { status: response.status, body };
  }

  async function gatewayStatus(path: string, key?: string): Promise<number> {
    return (await callGateway(path, key)).status;
  }

  /** Polls until `path` answers `status` (config and credentials reach the gateway in time). */
  async function waitForGatewayStatus(
    path: string,
    status: number,
    key?: string,
  ): Promise<GatewayAnswer> {
    return waitFor(
      `${path} through the gateway to answer ${status}`,
      async () => {
        const result = await callGateway(path, key);
        return result.status === status ? result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  }

  return { callGateway, gatewayStatus, waitForGatewayStatus };
}

/** Registers one instance of `service` in the built-in registry at `controlUrl`; the status. */
export async function registerInstance(
  controlUrl: string,
  token: string,
  instance: { service: string; id: string; address: string; port: number },
): Promise<number> {
  const response = await fetch(
    `${controlUrl}/registry/v1/services/${instance.service}/instances/${instance.id}`,
    {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ address: instance.address, port: instance.port, ttlSeconds: 3600 }),
    },
  );
  await response.arrayBuffer();
  return response.status;
}
