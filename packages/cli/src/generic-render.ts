import { renderTable } from './table';

/**
 * Renders an answer whose exact shape the CLI does not pin: scalars as `key: value` lines,
 * lists of flat records as tables, nested records indented under their key.
 */
export function renderGeneric(value: unknown, indent = ''): string {
  if (!isRecord(value)) return `${indent}${formatScalar(value)}\n`;
  let out = '';
  for (const [key, entry] of Object.entries(value)) {
    if (Array.isArray(entry)) {
      out += `${indent}${key}:\n`;
      out +=
        entry.length === 0 ? `${indent}  (none)\n` : indentLines(renderRows(entry), `${indent}  `);
    } else if (isRecord(entry)) {
      out += `${indent}${key}:\n${renderGeneric(entry, `${indent}  `)}`;
    } else {
      out += `${indent}${key}: ${formatScalar(entry)}\n`;
    }
  }
  return out;
}

function renderRows(rows: readonly unknown[]): string {
  if (!rows.every(isRecord)) return rows.map((row) => `${formatScalar(row)}\n`).join('');
  const headers = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return renderTable(
    headers,
    rows.map((row) => headers.map((header) => formatScalar(row[header]))),
  );
}

function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${indent}${line}`))
    .join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
