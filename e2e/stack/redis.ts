import { connect } from 'node:net';
import { type RunningProcess, startProcess } from './child-process';
import { waitFor } from './wait';

/** PING over a raw socket: true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      resolve(false);
      socket.destroy();
    });
  });
}

/**
 * A redis-server of this run's own: the gateway and the worker use the default queue prefix,
 * so they must never share the Redis other test runs use.
 */
export async function startPrivateRedis(port: number): Promise<RunningProcess> {
  const redis = startProcess(
    'redis',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { env: {} },
  );
  await waitFor('redis-server to answer PING', () => ping(port), { timeoutMs: 10_000 });
  return redis;
}
