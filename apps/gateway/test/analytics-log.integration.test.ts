import { eventually } from '@portico/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from './gateway-process';

const NO_CREDENTIALS = { consumers: [], keys: [], subscriptions: [] };
const WARNING = 'analytics: cannot reach Redis, events wait in the bounded buffer';
let gateway: GatewayProcess | null = null;

/** A gateway whose Redis refuses every connection (nothing listens on port 1). */
function startWithoutRedis(logLevel: string): Promise<GatewayProcess> {
  return startGatewayProcess({
    snapshot: { services: [], apis: [], plans: [] },
    credentials: NO_CREDENTIALS,
    workers: 1,
    env: {
      REDIS_URL: 'redis://127.0.0.1:1',
      PORTICO_ANALYTICS_ENABLED: 'true',
      PORTICO_GATEWAY_NODE_ID: `dpn_analytics_log_${logLevel}`,
      LOG_LEVEL: logLevel,
    },
  });
}

afterEach(async () => {
  await gateway?.stop();
  gateway = null;
});

describe("the analytics recorder's messages", () => {
  it("come out as the gateway's own JSON log lines", async () => {
    gateway = await startWithoutRedis('info');
    const started = gateway;
    await eventually(async () => started.output().includes(WARNING), 15_000, 'analytics warning');
    const line = started
      .output()
      .split('\n')
      .find((l) => l.includes(WARNING));
    const entry = JSON.parse(line ?? '') as { level: number; msg: string; buffered: number };
    expect(entry.level).toBe(40);
    expect(entry.msg).toBe(WARNING);
    expect(entry.buffered).toBe(0);
  }, 180_000);

  it('honour LOG_LEVEL', async () => {
    gateway = await startWithoutRedis('error');
    // Long enough for the refused connection to be reported: the first test sees it within seconds.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(gateway.output()).not.toContain('analytics:');
  }, 180_000);
});
