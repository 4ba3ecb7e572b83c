/** Small helpers to call the control plane over real HTTP the way the console and CLI do. */
export interface TrpcReply {
  status: number;
  headers: Headers;
  body: {
    result?: { data: unknown };
    error?: {
      message: string;
      code: number;
      data: { code: string; httpStatus: number; requestId: string | null };
    };
  } & Record<string, unknown>;
}

export interface CallOptions {
  cookie?: string;
  token?: string;
  origin?: string;
  contentType?: string;
  rawBody?: string;
}

async function toReply(response: Response): Promise<TrpcReply> {
  const text = await response.text();
  let body: TrpcReply['body'] = {};
  try {
    body = JSON.parse(text) as TrpcReply['body'];
  } catch {
    body = { raw: text };
  }
  return { status: response.status, headers: response.headers, body };
}

function headersFor(options: CallOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.origin) headers.origin = options.origin;
  return headers;
}

export async function mutate(
  base: string,
  path: string,
  input: unknown,
  options: CallOptions = {},
): Promise<TrpcReply> {
  const response = await fetch(`${base}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json', ...headersFor(options) },
    body: options.rawBody ?? JSON.stringify(input ?? {}),
  });
  return toReply(response);
}

export async function query(
  base: string,
  path: string,
  input: unknown,
  options: CallOptions = {},
): Promise<TrpcReply> {
  const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${base}/trpc/${path}${search}`, { headers: headersFor(options) });
  return toReply(response);
}

/** `name=value` of the session cookie a response set, for the next request's Cookie header. */
export function sessionCookieFrom(
  headers: Headers,
  name = 'portico_session',
): { pair: string; attributes: string } | null {
  const line = headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) return null;
  const [pair = '', ...rest] = line.split(';');
  return { pair: pair.trim(), attributes: rest.map((a) => a.trim()).join('; ') };
}

/**
 * Creates the first owner through `auth.setup` and returns their session cookie (`name=value`);
 * fails naming the answer when setup did not sign them in.
 */
export async function setUpOwner(
  base: string,
  owner: { email: string; password: string; name: string },
): Promise<string> {
  const setup = await mutate(base, 'auth.setup', owner);
  const cookie = sessionCookieFrom(setup.headers)?.pair;
  if (setup.status !== 200 || !cookie)
    throw new Error(`auth.setup answered ${setup.status}: ${JSON.stringify(setup.body)}`);
  return cookie;
}

/** The procedure's result, or a failure naming what came back instead. */
export function dataOf<T>(reply: TrpcReply): T {
  if (!reply.body.result)
    throw new Error(`expected a result, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.result.data as T;
}
