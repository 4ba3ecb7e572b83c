/** The CLI's exit codes; scripts and CI rely on them, so they never change meaning. */
export const EXIT_OK = 0;
/** The server refused or failed: network error, 5xx, CONFLICT, NOT_FOUND, UNAUTHORIZED, ... */
export const EXIT_SERVER_FAILURE = 1;
/** The input was wrong: flags, file, schema, or BAD_REQUEST from the server. */
export const EXIT_BAD_INPUT = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_SERVER_FAILURE | typeof EXIT_BAD_INPUT;

/** A failure the CLI reports as lines on stderr and turns into an exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly lines: readonly string[],
  ) {
    super(lines.join('\n'));
  }
}

/** Wrong flags, arguments, files or values: exit 2. */
export function badInput(...lines: string[]): CliError {
  return new CliError(EXIT_BAD_INPUT, lines);
}
