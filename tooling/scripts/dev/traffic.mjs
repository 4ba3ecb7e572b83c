// A gentle traffic generator for the demo: a few calls a second through the gateway with the
// demo key, spread over the demo APIs, plus now and then a call without a key (401) and one to a
// path no API serves (404), so the console's charts, status codes and live instance views move.
const PATHS = [
  ['GET', '/orders/'],
  ['GET', '/orders/ord_1001'],
  ['POST', '/orders/'],
  ['GET', '/payments/charges'],
  ['GET', '/payments/refunds'],
  ['GET', '/status/'],
];

export function startTraffic({ gatewayUrl, apiKey, perSecond = 3 }) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    if (stopped) return;
    const roll = Math.random();
    const [method, path] =
      roll < 0.03
        ? ['GET', '/nowhere']
        : (PATHS[Math.floor(Math.random() * PATHS.length)] ?? PATHS[0]);
    const headers = roll > 0.03 && roll < 0.06 ? {} : { 'x-api-key': apiKey };
    try {
      const res = await fetch(`${gatewayUrl}${path}`, {
        method,
        headers: method === 'POST' ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(method === 'POST' ? { body: JSON.stringify({ item: 'tea', quantity: 1 }) } : {}),
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
    } catch {
      // The gateway restarting in watch mode: the next tick tries again.
    }
    // Jittered, so the charts do not look like a metronome.
    timer = setTimeout(tick, (1000 / perSecond) * (0.5 + Math.random()));
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
