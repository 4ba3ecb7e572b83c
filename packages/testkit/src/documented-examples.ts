import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './child-process';

/** Every ```yaml block of a page under docs/ (`page` as `authentication.md`), in order. */
export function documentedYamlBlocks(page: string): string[] {
  const markdown = readFileSync(join(REPO_ROOT, 'docs', page), 'utf8');
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/**
 * The YAML example of docs/<page> exactly as written there: the first one containing `marker`,
 * or the page's first example when no marker is given. Tests apply it so the docs cannot drift
 * from what the product accepts.
 */
export function documentedYamlExample(page: string, marker?: string): string {
  const block = documentedYamlBlocks(page).find((b) => marker === undefined || b.includes(marker));
  if (block === undefined)
    throw new Error(
      `docs/${page} has no YAML example${marker === undefined ? '' : ` with ${marker}`}`,
    );
  return block;
}
