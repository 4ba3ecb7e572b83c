'use client';

import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { type CSSProperties, type ReactNode, useDeferredValue, useState } from 'react';
import { useSession } from './session';
import { ConfirmButton } from './ui';
import { useUrlState } from './use-url-state';

/** Refetches every query under a router's path key, after a mutation changed its rows. */
export function useInvalidate(queryKey: QueryKey) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey });
}

/** The page header's create button, for editors only. */
export function NewButton({ label, onClick }: { label: string; onClick: () => void }) {
  const session = useSession();
  if (!session.canEdit) return null;
  return (
    <button type="button" className="primary" onClick={onClick}>
      {label}
    </button>
  );
}

/**
 * Edit and Delete at the end of a row, for editors only; a row's own buttons go before Edit
 * (`children`) or between Edit and Delete (`afterEdit`).
 */
export function EditDeleteActions({
  noun,
  name,
  deleteMessage,
  onEdit,
  onDelete,
  children,
  afterEdit,
}: {
  /** As in "Delete plan gold?". */
  noun: string;
  name: string;
  deleteMessage: string;
  onEdit: () => void;
  onDelete: () => Promise<unknown>;
  children?: ReactNode;
  afterEdit?: ReactNode;
}) {
  const session = useSession();
  if (!session.canEdit) return null;
  return (
    <>
      {children}
      <button type="button" className="small" onClick={onEdit}>
        Edit
      </button>
      {afterEdit}
      <ConfirmButton
        label="Delete"
        title={`Delete ${noun} ${name}?`}
        message={deleteMessage}
        onConfirm={onDelete}
      />
    </>
  );
}

const SEARCH_IN_URL = { q: '' } as const;

/**
 * A search box over a list; the query follows the deferred, trimmed text so typing stays smooth.
 */
export function useSearch(label: string, placeholder: string) {
  // The text lives in the URL (`?q=`), so a filtered list survives a reload and can be shared;
  // the box keeps its own state so typing never waits on the URL.
  const [url, setUrl] = useUrlState(SEARCH_IN_URL);
  const [search, setSearchState] = useState(url.q);
  const setSearch = (value: string) => {
    setSearchState(value);
    setUrl({ q: value.trim() });
  };
  const term = useDeferredValue(search.trim());
  const box = (
    <div className="toolbar">
      <input
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        style={{ maxWidth: 320 }}
      />
    </div>
  );
  return { term, box };
}

/** A labelled filter select in a toolbar; the first option is the unfiltered one. */
export function FilterSelect({
  id,
  label,
  value,
  onChange,
  all,
  options,
  style,
  disabled,
  title,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The label of the empty value, e.g. "All APIs". */
  all: string;
  options: readonly { value: string; label: string }[];
  style: CSSProperties;
  disabled?: boolean;
  title?: string | undefined;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        title={title}
        style={style}
      >
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}
