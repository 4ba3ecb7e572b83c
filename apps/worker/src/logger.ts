/** Structured one-line JSON logs; the worker has no HTTP framework to lend it a logger. */
export interface Logger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

export function createLogger(
  minimum: Level,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log = (level: Level) => (details: object, message: string) => {
    if (LEVELS[level] < LEVELS[minimum]) return;
    write(
      `${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...details })}\n`,
    );
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
