'use client';

import type { ReactNode } from 'react';
import type { RouterOutputs } from '../lib/trpc';
import { ErrorAlert } from './ui';

type DraftDiff = RouterOutputs['config']['draftDiff'];
type ValidDraft = Extract<DraftDiff, { valid: true }>;
type Diff = ValidDraft['diff'];
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

type DiffEntry = Diff[(typeof KINDS)[number]]['added'][number];

/** An entity only one side has: its name, then each field with the value that side holds. */
function OneSidedEntry({ entry, side }: { entry: DiffEntry; side: 'added' | 'removed' }) {
  const added = side === 'added';
  const tone = added ? 'diff-add' : 'diff-del';
  return (
    <li>
      <span className={tone}>
        {added ? '+' : '−'} {entry.name}
      </span>{' '}
      <span className="muted">{side}</span>
      <ul className="diff-list">
        {entry.fields.map((f) => (
          <li key={f.path} className={`mono ${tone}`}>
            {f.path}: {show(added ? f.after : f.before)}
          </li>
        ))}
      </ul>
    </li>
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
              <OneSidedEntry key={`a${e.id}`} entry={e} side="added" />
            ))}
            {diff[kind].removed.map((e) => (
              <OneSidedEntry key={`r${e.id}`} entry={e} side="removed" />
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

/**
 * A panel about the unpublished draft: loading, why it cannot be published (`blocked` leads the
 * reasons), or what `children` make of a publishable draft.
 */
export function DraftPanel({
  title,
  draft,
  blocked,
  children,
}: {
  title: string;
  draft: { error: unknown; isPending: boolean; data: DraftDiff | undefined };
  blocked: string;
  children: (draft: ValidDraft) => ReactNode;
}) {
  return (
    <section className="panel">
      <h2>{title}</h2>
      <ErrorAlert error={draft.error} />
      {draft.isPending ? (
        <div className="skeleton" />
      ) : draft.data?.valid === false ? (
        <div className="alert">
          {blocked}: {draft.data.issues.join('; ')}
        </div>
      ) : draft.data?.valid ? (
        children(draft.data)
      ) : null}
    </section>
  );
}
