import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ControlPlane, startControlPlane } from '@portico/testkit';
import {
  echoHandler,
  startSyncedGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

/** An upstream, the real control plane in front of it, and a gateway synced from that plane. */
export interface SyncedStack {
  upstream: Upstream;
  control: ControlPlane;
  gw: TestGateway;
  /** Stops the gateway, then the control plane, then the upstream. */
  close(): Promise<void>;
}

/**
 * Starts an upstream (the echo handler unless one is given) and the control plane as its own
 * process on a fresh database; `prepare` gives the plane what the test needs before a gateway
 * exists (documents applied, secrets, certificates), then a gateway named `nodeName` syncs from
 * it and is returned once it has applied the published config.
 */
export async function startSyncedStack(options: {
  nodeName: string;
  upstream?: (req: IncomingMessage, res: ServerResponse) => void;
  prepare(control: ControlPlane, upstream: Upstream): Promise<void>;
}): Promise<SyncedStack> {
  const upstream = await startUpstream(options.upstream ?? echoHandler);
  let control: ControlPlane | undefined;
  let gw: TestGateway | undefined;
  const close = async () => {
    await gw?.close();
    await control?.close();
    await upstream.close();
  };
  try {
    control = await startControlPlane();
    await options.prepare(control, upstream);
    gw = await startSyncedGateway(control, options.nodeName);
    return { upstream, control, gw, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A `prepare` step applying one declarative document, built around the upstream's address. */
export function applyingDocument(
  document: (upstream: Upstream) => unknown,
  message: string,
): (control: ControlPlane, upstream: Upstream) => Promise<void> {
  return async (control, upstream) => {
    await control.trpc('config.applyDocument', { document: document(upstream), message });
  };
}

/** The id the control plane gave the consumer named `name` ('' when there is none). */
export async function consumerIdOf(control: ControlPlane, name: string): Promise<string> {
  const consumers = await control.query<{ id: string; name: string }[]>('consumers.list', {});
  return consumers.find((c) => c.name === name)?.id ?? '';
}
