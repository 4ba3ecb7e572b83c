import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small real OAuth2 authorization server's introspection endpoint (RFC 7662 §2): POST
 * /introspect, form-encoded `token`, client authentication by HTTP Basic (client_secret_basic,
 * RFC 6749 §2.3.1); anything else is refused as a real server would. Tokens are registered by
 * the test with the claims to answer; unknown ones are `{"active": false}`.
 */
export interface IntrospectionServer {
  readonly url: string;
  /** Introspection requests answered (any outcome), to prove what the gateway cached. */
  calls: number;
  /**
   * Registers an active token with its claims. An `exp` in the past answers inactive, unless
   * `lax` (a server that forgets to check, so the gateway's own check is what refuses it).
   */
  issue(token: string, claims: Record<string, unknown>, options?: { lax?: boolean }): void;
  /** Makes the next answers wait this long (to test the gateway's timeout). */
  delayMs: number;
  /** Answers 200 with this body instead (a broken server); null: answer properly. */
  rawAnswer: string | null;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startIntrospectionServer(client: {
  id: string;
  secret: string;
}): Promise<IntrospectionServer> {
  const tokens = new Map<string, Record<string, unknown>>();
  const lax = new Set<string>();
  const expected = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
  const state = { calls: 0, delayMs: 0, rawAnswer: null as string | null };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/introspect') {
      res.writeHead(404).end();
      return;
    }
    state.calls++;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, {
        'www-authenticate': 'Basic realm="as"',
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ error: 'invalid_client' }));
      return;
    }
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request' }));
      return;
    }
    const form = new URLSearchParams(body);
    const token = form.get('token');
    if (token === null) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request' }));
      return;
    }
    const claims = tokens.get(token);
    const exp = claims?.exp;
    const expired = typeof exp === 'number' && exp * 1000 <= Date.now() && !lax.has(token);
    const active = claims !== undefined && !expired;
    const answer =
      state.rawAnswer ?? JSON.stringify(active ? { active: true, ...claims } : { active: false });
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(answer);
    };
    if (state.delayMs > 0) setTimeout(send, state.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/introspect`,
    get calls() {
      return state.calls;
    },
    set calls(value: number) {
      state.calls = value;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get rawAnswer() {
      return state.rawAnswer;
    },
    set rawAnswer(value: string | null) {
      state.rawAnswer = value;
    },
    issue(token, claims, options) {
      tokens.set(token, claims);
      if (options?.lax) lax.add(token);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
