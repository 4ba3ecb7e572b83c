/** Colours for a person at a terminal; plain text for pipes, files and NO_COLOR. */
export interface Style {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  dim(text: string): string;
}

export function createStyle(enabled: boolean): Style {
  const wrap = (code: number) => (text: string) =>
    enabled ? `\u001b[${code}m${text}\u001b[0m` : text;
  return { green: wrap(32), yellow: wrap(33), red: wrap(31), dim: wrap(2) };
}
