/** Column-aligned plain text, like `kubectl get`: upper-case headers, two spaces between columns. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : pad(cell, widths[column] ?? cell.length),
      )
      .join('  ')
      .trimEnd();
  return `${[line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n')}\n`;
}

function pad(cell: string, width: number): string {
  return cell + ' '.repeat(Math.max(0, width - visibleLength(cell)));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI colour escapes is the point
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** Length as seen on screen: colour escapes take no columns. */
function visibleLength(text: string): number {
  return text.replace(ANSI_ESCAPE, '').length;
}
