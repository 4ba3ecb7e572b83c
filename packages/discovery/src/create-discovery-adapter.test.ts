import type { SnapshotRegistry } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { createDiscoveryAdapter } from './create-discovery-adapter';

const OWN = { controlUrl: 'http://127.0.0.1:4000', token: 'pdp_gateway-token' };

function builtin(address: string): SnapshotRegistry {
  return {
    id: 'reg_1',
    name: 'builtin',
    type: 'builtin',
    address,
    options: {},
    hasCredentials: false,
  };
}

/** Lists a service through the adapter and returns the URL and authorization it sent. */
async function firstRequest(registry: SnapshotRegistry, secrets: Record<string, string>) {
  const sent: { url: string; authorization: string | null }[] = [];
  const fetchRecorder: typeof fetch = async (input, init) => {
    sent.push({
      url: String(input),
      authorization: new Headers(init?.headers).get('authorization'),
    });
    return Response.json({ index: 1, instances: [] });
  };
  const adapter = createDiscoveryAdapter(registry, secrets, {
    fetch: fetchRecorder,
    builtin: OWN,
  });
  try {
    await adapter.list({ service: 'payments' });
  } finally {
    await adapter.close();
  }
  return sent[0];
}

describe('a builtin registry and the gateway’s own control plane', () => {
  it('reads a builtin registry with no address from the own control plane with the data-plane token', async () => {
    expect(await firstRequest(builtin(''), {})).toEqual({
      url: 'http://127.0.0.1:4000/registry/v1/services/payments',
      authorization: `Bearer ${OWN.token}`,
    });
  });

  it('uses the data-plane token for its own control plane named by address, unless the registry has a token', async () => {
    expect((await firstRequest(builtin('http://127.0.0.1:4000/'), {}))?.authorization).toBe(
      `Bearer ${OWN.token}`,
    );
    expect(
      (await firstRequest(builtin('http://127.0.0.1:4000'), { token: 'prg_own' }))?.authorization,
    ).toBe('Bearer prg_own');
  });

  it('never sends the data-plane token to another control plane', async () => {
    expect(await firstRequest(builtin('http://other-control:4000'), {})).toEqual({
      url: 'http://other-control:4000/registry/v1/services/payments',
      authorization: null,
    });
  });
});
