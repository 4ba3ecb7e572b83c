import { TRPCClientError } from '@trpc/client';
import { CliError, EXIT_BAD_INPUT, EXIT_SERVER_FAILURE } from './exit-codes';

/** tRPC error codes that mean "your input was wrong" rather than "the server refused or failed". */
const BAD_INPUT_CODES = new Set(['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'PARSE_ERROR']);

interface ServerIssue {
  path: readonly string[];
  message: string;
}

/**
 * Turns whatever a tRPC call threw into a CliError: the server's own message (it is written for
 * people), the per-field issues the errorFormatter adds, and the exit code for its class.
 */
export function toCliError(error: unknown, url: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof TRPCClientError) {
    const data = readErrorData(error.data);
    if (data.code === null) {
      // No tRPC error shape: the request never reached a Portico control plane.
      return new CliError(EXIT_SERVER_FAILURE, [
        `cannot reach the control plane at ${url}: ${describeCause(error)}`,
      ]);
    }
    const lines = [`${data.code}: ${error.message}`];
    for (const issue of data.issues) {
      lines.push(`  ${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`);
    }
    if (data.code === 'UNAUTHORIZED') {
      lines.push('  hint: set PORTICO_TOKEN (or --token) to a personal access token');
    }
    const exitCode = BAD_INPUT_CODES.has(data.code) ? EXIT_BAD_INPUT : EXIT_SERVER_FAILURE;
    return new CliError(exitCode, lines);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(EXIT_SERVER_FAILURE, [`unexpected failure talking to ${url}: ${message}`]);
}

function readErrorData(data: unknown): { code: string | null; issues: ServerIssue[] } {
  if (typeof data !== 'object' || data === null) return { code: null, issues: [] };
  const record = data as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : null;
  const issues: ServerIssue[] = [];
  if (Array.isArray(record.issues)) {
    for (const raw of record.issues) {
      if (typeof raw !== 'object' || raw === null) continue;
      const issue = raw as Record<string, unknown>;
      const path = Array.isArray(issue.path) ? issue.path.map(String) : [];
      if (typeof issue.message === 'string') issues.push({ path, message: issue.message });
    }
  }
  return { code, issues };
}

function describeCause(error: TRPCClientError<never>): string {
  const cause = error.cause;
  // undici wraps the socket error: "fetch failed" with a cause such as ECONNREFUSED.
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  if (inner instanceof Error) {
    const code = (inner as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${inner.message})` : inner.message;
  }
  return error.message;
}
