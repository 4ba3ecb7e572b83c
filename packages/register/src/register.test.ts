import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './register';

const base = {
  controlUrl: 'http://control.test',
  token: 'prg_secret-token',
  service: 'pay',
  address: '127.0.0.1',
  port: 8080,
  handleSignals: false,
};

afterEach(() => {
  vi.useRealTimers();
});

describe('register client (no I/O: fetch is a stub)', () => {
  it('heartbeats at a third of the TTL with the same body', async () => {
    vi.useFakeTimers();
    const calls: Array<{ method: string; url: string; body: string }> = [];
    const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
      calls.push({
        method: init?.method ?? 'GET',
        url: String(url),
        body: String(init?.body ?? ''),
      });
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    const reg = await register({ ...base, ttlSeconds: 3, instanceId: 'i-1', fetch: fetchStub });
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3000);
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(4);
    expect(puts[0]?.url).toBe('http://control.test/registry/v1/services/pay/instances/i-1');
    expect(JSON.parse(puts[3]?.body ?? '{}')).toEqual({
      address: '127.0.0.1',
      port: 8080,
      metadata: {},
      ttlSeconds: 3,
    });
    await reg.deregister();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(4);
    expect(calls.at(-1)?.method).toBe('DELETE');
  });

  it('retries a failed heartbeat sooner than the interval', async () => {
    vi.useFakeTimers();
    let n = 0;
    const fetchStub = (async () => {
      n += 1;
      if (n === 2) throw new Error('connect ECONNREFUSED');
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    const reg = await register({ ...base, ttlSeconds: 30, fetch: fetchStub, onError: () => {} });
    await vi.advanceTimersByTimeAsync(10_000); // beat 2 fails
    expect(n).toBe(2);
    await vi.advanceTimersByTimeAsync(600); // retry within a second, not after another 10 s
    expect(n).toBe(3);
    await reg.deregister();
  });

  it('never rejects when the control plane is unreachable, and never reports the token', async () => {
    const errors: string[] = [];
    const fetchStub = (async () => {
      throw new Error('getaddrinfo ENOTFOUND control.test');
    }) as typeof fetch;
    const reg = await register({ ...base, fetch: fetchStub, onError: (m) => errors.push(m) });
    await expect(reg.deregister()).resolves.toBeUndefined();
    await expect(reg.deregister()).resolves.toBeUndefined();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.join('\n')).toContain('ENOTFOUND');
    expect(errors.join('\n')).not.toContain(base.token);
  });
});
