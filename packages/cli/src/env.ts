import { z } from 'zod';

/** The CLI's view of its environment. Flags (`--url`, `--token`) override these per call. */
const ZHttpUrl = z.url({
  protocol: /^https?$/,
  message: 'must be an http(s) URL such as http://127.0.0.1:4000',
});

const ZCliEnv = z.object({
  PORTICO_URL: ZHttpUrl.optional(),
  /** The name the process interface uses for "where the control plane is"; PORTICO_URL wins. */
  PORTICO_CONTROL_URL: ZHttpUrl.optional(),
  PORTICO_TOKEN: z.string().min(1, 'must not be empty when set').optional(),
  /** https://no-color.org: any non-empty value turns colours off even on a terminal. */
  NO_COLOR: z.string().optional(),
});

export interface CliEnv {
  /** Control plane base URL, without a trailing slash. */
  url: string;
  token: string | null;
  noColor: boolean;
}

export const DEFAULT_CONTROL_URL = 'http://127.0.0.1:4000';

export class CliEnvError extends Error {}

/** Validates an environment record; throws CliEnvError naming the variable that is wrong. */
export function parseCliEnv(source: Record<string, string | undefined>): CliEnv {
  const picked = {
    PORTICO_URL: emptyToUndefined(source.PORTICO_URL),
    PORTICO_CONTROL_URL: emptyToUndefined(source.PORTICO_CONTROL_URL),
    PORTICO_TOKEN: source.PORTICO_TOKEN,
    NO_COLOR: source.NO_COLOR,
  };
  const result = ZCliEnv.safeParse(picked);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new CliEnvError(lines.join('\n'));
  }
  const env = result.data;
  return {
    url: stripTrailingSlash(env.PORTICO_URL ?? env.PORTICO_CONTROL_URL ?? DEFAULT_CONTROL_URL),
    token: env.PORTICO_TOKEN ?? null,
    noColor: (env.NO_COLOR ?? '') !== '',
  };
}

/** The only place the CLI reads process.env. */
export function loadCliEnv(): CliEnv {
  return parseCliEnv(process.env);
}

/** A variable a declarative file names (a credential's `passwordEnv`); read only when asked. */
export function readEnvVariable(name: string): string | undefined {
  return process.env[name];
}

export function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
