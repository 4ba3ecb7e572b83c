import { parseArgs } from 'node:util';
import { CLI_VERSION, type Connection, createPorticoClient, type PorticoClient } from './client';
import type { CommandContext, CommandSpec, OptionValues } from './command';
import { COMMANDS } from './commands/index';
import { type CliEnv, CliEnvError, stripTrailingSlash } from './env';
import {
  badInput,
  CliError,
  EXIT_BAD_INPUT,
  EXIT_OK,
  EXIT_SERVER_FAILURE,
  type ExitCode,
} from './exit-codes';
import { GLOBAL_OPTIONS, renderCommandHelp, renderGlobalHelp, renderGroupHelp } from './help';
import type { CliIo } from './io';
import { toCliError } from './server-errors';
import { createStyle } from './style';

export interface CliDeps {
  io: CliIo;
  /** Reads the environment; called only when a command needs it, so `--help` never fails on it. */
  loadEnv: () => CliEnv;
  /** Reads a variable a file names (`passwordEnv`); absent: none can be read. */
  readVariable?: (name: string) => string | undefined;
  /** Builds the tRPC client; tests may pass one that records whether the server was contacted. */
  connect?: (connection: Connection) => PorticoClient;
}

/** Runs one `portico …` invocation and returns its exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  try {
    return await dispatch(argv, deps);
  } catch (error) {
    const cliError =
      error instanceof CliError
        ? error
        : error instanceof CliEnvError
          ? new CliError(EXIT_BAD_INPUT, error.message.split('\n'))
          : new CliError(EXIT_SERVER_FAILURE, [
              `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
            ]);
    deps.io.writeErr(`${cliError.lines.map((line) => `error: ${line}`).join('\n')}\n`);
    return cliError.exitCode;
  }
}

async function dispatch(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  const [first, second] = argv;
  if (first === undefined) {
    deps.io.writeErr(renderGlobalHelp(COMMANDS));
    return EXIT_BAD_INPUT;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    deps.io.writeOut(renderGlobalHelp(COMMANDS));
    return EXIT_OK;
  }
  if (first === '--version') {
    deps.io.writeOut(`portico ${CLI_VERSION}\n`);
    return EXIT_OK;
  }
  const group = COMMANDS.filter((command) => command.path[0] === first);
  if (group.length === 0) {
    throw badInput(`unknown command ${JSON.stringify(first)}; run \`portico --help\` for the list`);
  }
  let command: CommandSpec | undefined;
  let rest: readonly string[];
  if (group.length === 1 && group[0]?.path.length === 1) {
    command = group[0];
    rest = argv.slice(1);
  } else {
    if (second === undefined || second === '--help' || second === '-h') {
      const help = renderGroupHelp(first, group);
      if (second === undefined) {
        deps.io.writeErr(help);
        return EXIT_BAD_INPUT;
      }
      deps.io.writeOut(help);
      return EXIT_OK;
    }
    command = group.find((candidate) => candidate.path[1] === second);
    if (!command) {
      const choices = group.map((candidate) => candidate.path[1]).join(', ');
      throw badInput(`unknown command "${first} ${second}": expected one of ${choices}`);
    }
    rest = argv.slice(2);
  }
  return runCommand(command, rest, deps);
}

async function runCommand(
  command: CommandSpec,
  args: readonly string[],
  deps: CliDeps,
): Promise<ExitCode> {
  const parsed = parseCommandArgs(command, args);
  if (parsed.values.help === true) {
    deps.io.writeOut(renderCommandHelp(command));
    return EXIT_OK;
  }
  const json = parsed.values.json === true;
  let client: PorticoClient | null = null;
  let url: string | null = null;
  const ctx: CommandContext = {
    options: parsed.values,
    positionals: parsed.positionals,
    io: deps.io,
    json,
    style: createStyle(deps.io.stdoutIsTty && !json && !safeNoColor(deps)),
    variable: (name) => deps.readVariable?.(name),
    async call(fn) {
      if (client === null) {
        const connection = resolveConnection(parsed.values, deps.loadEnv());
        url = connection.url;
        client = (deps.connect ?? createPorticoClient)(connection);
      }
      try {
        return await fn(client);
      } catch (error) {
        throw toCliError(error, url ?? '(unknown)');
      }
    },
  };
  await command.run(ctx);
  return EXIT_OK;
}

/** node:util parseArgs with the command's options plus the global ones; mistakes are exit 2. */
export function parseCommandArgs(
  command: CommandSpec,
  args: readonly string[],
): { values: OptionValues; positionals: string[] } {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw badInput(
      message.split('\n')[0] ?? message,
      `run \`portico ${command.path.join(' ')} --help\` for its options`,
    );
  }
  const values: OptionValues = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string' || typeof value === 'boolean') values[name] = value;
  }
  if (values.help !== true && parsed.positionals.length !== command.positionals.length) {
    const expected = command.positionals.map((p) => p.name).join(' ');
    throw badInput(
      command.positionals.length === 0
        ? `unexpected argument ${JSON.stringify(parsed.positionals[0])}; usage: portico ${command.synopsis}`
        : `expected ${expected}; usage: portico ${command.synopsis}`,
    );
  }
  return { values, positionals: parsed.positionals };
}

function resolveConnection(values: OptionValues, env: CliEnv): Connection {
  const urlFlag = typeof values.url === 'string' ? values.url : undefined;
  if (urlFlag !== undefined && !isHttpUrl(urlFlag)) {
    throw badInput(
      `--url: ${JSON.stringify(urlFlag)} must be an http(s) URL such as http://127.0.0.1:4000`,
    );
  }
  const url = stripTrailingSlash(urlFlag ?? env.url);
  const token = typeof values.token === 'string' ? values.token : env.token;
  if (token === null || token === '') {
    throw badInput(
      'no token: set PORTICO_TOKEN or pass --token (create one in the console or with `portico tokens create --type personal`)',
    );
  }
  return { url, token };
}

function isHttpUrl(text: string): boolean {
  try {
    const parsed = new URL(text);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Colour is decoration: a broken environment must not fail the command over it. */
function safeNoColor(deps: CliDeps): boolean {
  try {
    return deps.loadEnv().noColor;
  } catch {
    return true;
  }
}
