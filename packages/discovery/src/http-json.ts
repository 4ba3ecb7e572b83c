import { DiscoveryError } from './adapter-base';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * GET (or other) with a hard timeout and the watch's abort signal. Errors name the path only,
 * never the query string or headers, so tokens cannot leak into logs.
 */
export async function requestJson<T = unknown>(
  fetchImpl: typeof fetch,
  url: URL,
  init: {
    headers?: Record<string, string>;
    signal: AbortSignal;
    timeoutMs: number;
    method?: string;
    body?: string;
  },
  acceptStatuses: number[] = [200],
): Promise<JsonResponse<T>> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  init.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(), init.timeoutMs);
  const where = `${url.origin}${url.pathname}`;
  try {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: init.method ?? 'GET',
        headers: { accept: 'application/json', ...init.headers },
        body: init.body,
        signal: controller.signal,
      });
    } catch (error) {
      const reason = init.signal.aborted
        ? 'aborted'
        : controller.signal.aborted
          ? `timed out after ${init.timeoutMs} ms`
          : causeOf(error);
      throw new DiscoveryError(`request to ${where} failed: ${reason}`);
    }
    const text = await response.text().catch(() => '');
    if (!acceptStatuses.includes(response.status)) {
      throw new HttpStatusError(response.status, `${where} answered HTTP ${response.status}`);
    }
    let body: unknown = null;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new DiscoveryError(`${where} answered something that is not JSON`);
      }
    }
    return { status: response.status, headers: response.headers, body: body as T };
  } finally {
    clearTimeout(timer);
    init.signal.removeEventListener('abort', onAbort);
  }
}

export class HttpStatusError extends DiscoveryError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}
