import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './child-process';

/**
 * The codes docs/errors.md lists in its `## <heading>` section, with the status each is given
 * (the table's first two columns), in the page's order. Tests compare it with the code's catalogue
 * so the reference cannot drift from what the surface answers.
 */
export function documentedErrorCodes(heading: string): Map<string, number> {
  const page = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const start = page.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/errors.md has no section "## ${heading}"`);
  const next = page.indexOf('\n## ', start + 1);
  const section = page.slice(start, next < 0 ? undefined : next);
  const codes = new Map<string, number>();
  for (const match of section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (\d{3}) \|/gm)) {
    const [, code, status] = match;
    if (code === undefined || status === undefined) continue;
    if (codes.has(code)) throw new Error(`docs/errors.md lists ${code} twice under ${heading}`);
    codes.set(code, Number(status));
  }
  return codes;
}

/** A catalogue's codes and statuses in the same form, for comparing with the page. */
export function catalogueStatuses(
  catalogue: Readonly<Record<string, { readonly status: number }>>,
): Map<string, number> {
  return new Map(Object.entries(catalogue).map(([code, entry]) => [code, entry.status]));
}
