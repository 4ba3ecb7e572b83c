'use client';

import type { RouterOutputs } from '../lib/trpc';

type Diff = Extract<RouterOutputs['config']['draftDiff'], { valid: true }>['diff'];
const KINDS = ['registries', 'services', 'apis', 'plans'] as const;
const HEADINGS: Record<(typeof KINDS)[number], string> = {
  registries: 'Registries',
  services: 'Services',
  apis: 'APIs',
  plans: 'Plans',
};

/** How many characters of a config hash the console shows, everywhere. */
export const SHORT_HASH_LENGTH = 12;

export function shortHash(hash: string): string {
  return hash.slice(0, SHORT_HASH_LENGTH);
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Number of entities a diff adds, removes or changes. */
export function changeCount(diff: Diff): number {
  return KINDS.reduce(
    (sum, k) => sum + diff[k].added.length + diff[k].removed.length + diff[k].changed.length,
    0,
  );
}

/** A snapshot diff as readable lines per kind: + added, − removed, ~ changed with field paths. */
export function SnapshotDiffView({ diff }: { diff: Diff }) {
  if (diff.identical) return <p className="muted">No differences.</p>;
  return (
    <div className="grid" data-testid="snapshot-diff">
      {KINDS.filter(
        (k) => diff[k].added.length + diff[k].removed.length + diff[k].changed.length > 0,
      ).map((kind) => (
        <div key={kind}>
          <h3>{HEADINGS[kind]}</h3>
          <ul className="diff-list">
            {diff[kind].added.map((e) => (
              <li key={`a${e.id}`}>
                <span className="diff-add">+ {e.name}</span> <span className="muted">added</span>
                <ul className="diff-list">
                  {e.fields.map((f) => (
                    <li key={f.path} className="mono diff-add">
                      {f.path}: {show(f.after)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
            {diff[kind].removed.map((e) => (
              <li key={`r${e.id}`}>
                <span className="diff-del">− {e.name}</span> <span className="muted">removed</span>
                <ul className="diff-list">
                  {e.fields.map((f) => (
                    <li key={f.path} className="mono diff-del">
                      {f.path}: {show(f.before)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
            {diff[kind].changed.map((e) => (
              <li key={`c${e.id}`}>
                ~ {e.name}
                <ul className="diff-list">
                  {e.fields.map((f) => (
                    <li key={f.path} className="mono">
                      {f.path}: <span className="diff-del">{show(f.before)}</span> →{' '}
                      <span className="diff-add">{show(f.after)}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
