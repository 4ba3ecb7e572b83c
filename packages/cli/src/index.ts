export { type CliDeps, parseCommandArgs, runCli } from './cli';
export { type Connection, createPorticoClient, type PorticoClient } from './client';
export { type FileProblem, formatProblem, loadDeclarativeYaml } from './declarative-file';
export { parseDuration } from './duration';
export { type CliEnv, parseCliEnv } from './env';
export { EXIT_BAD_INPUT, EXIT_OK, EXIT_SERVER_FAILURE } from './exit-codes';
export type { CliIo } from './io';
