import type { PorticoClient } from './client';
import type { CliIo } from './io';
import type { Style } from './style';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. FILE. */
  value?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  options: OptionValues;
  positionals: readonly string[];
  io: CliIo;
  style: Style;
  /** `--json`: machine-readable output on stdout, nothing else there. */
  json: boolean;
  /**
   * Runs one or more calls against the control plane and turns any failure into a CliError with
   * the server's message and the right exit code. Connecting is lazy, so bad input is reported
   * before the CLI needs a URL or a token.
   */
  call<T>(fn: (api: PorticoClient) => Promise<T>): Promise<T>;
  /** An environment variable a file refers to (e.g. a credential's `passwordEnv`), or undefined. */
  variable(name: string): string | undefined;
}

export interface CommandSpec {
  /** `['keys', 'create']` for `portico keys create`. */
  path: readonly string[];
  summary: string;
  /** The synopsis after `portico `, e.g. `keys create --consumer NAME [--name N]`. */
  synopsis: string;
  positionals: readonly PositionalSpec[];
  options: Record<string, OptionSpec>;
  /** Extra paragraphs for `--help`. */
  details?: string;
  run(ctx: CommandContext): Promise<void>;
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanOption(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.writeOut(`${JSON.stringify(value, null, 2)}\n`);
}
