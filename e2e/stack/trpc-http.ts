/**
 * Minimal tRPC-over-HTTP calls for setting the stack up (no batching, no transformer — the
 * control plane's wire format): POST for mutations, GET with ?input= for queries.
 */
export interface TrpcAuth {
  bearer?: string;
  cookie?: string;
}

export class TrpcCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'TrpcCallError';
  }
}

function headers(auth: TrpcAuth): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}),
    ...(auth.cookie ? { cookie: auth.cookie } : {}),
  };
}

async function unwrap<T>(response: Response, path: string): Promise<T> {
  const body = (await response.json()) as {
    result?: { data: T };
    error?: { message: string; data?: { code?: string } };
  };
  if (!response.ok || !body.result) {
    throw new TrpcCallError(
      response.status,
      body.error?.data?.code ?? null,
      `${path}: ${body.error?.message ?? `HTTP ${response.status}`}`,
    );
  }
  return body.result.data;
}

export async function trpcMutation<T>(
  baseUrl: string,
  path: string,
  input: unknown,
  auth: TrpcAuth = {},
): Promise<T> {
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: headers(auth),
    body: JSON.stringify(input),
  });
  return unwrap<T>(response, path);
}

export async function trpcQuery<T>(
  baseUrl: string,
  path: string,
  input: unknown,
  auth: TrpcAuth = {},
): Promise<T> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${baseUrl}/trpc/${path}${query}`, { headers: headers(auth) });
  return unwrap<T>(response, path);
}
