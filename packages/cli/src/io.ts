/** Everything the CLI does to the outside world besides calling the control plane. */
export interface CliIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** True when stdout is a terminal: colours and relative times are for people only. */
  stdoutIsTty: boolean;
  /** Reads a file, or standard input when `path` is "-". */
  readText(path: string): Promise<string>;
  /** Reads a file's bytes (a file a declarative document refers to). */
  readBytes(path: string): Promise<Uint8Array>;
  writeText(path: string, text: string): Promise<void>;
  now(): Date;
}
