'use client';

import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import type { CSSProperties, ReactNode } from 'react';
import { useSession } from './session';
import { ConfirmButton } from './ui';

/** Refetches every query under a router's path key, after a mutation changed its rows. */
export function useInvalidate(queryKey: QueryKey) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey });
}

/** A small button among a row's actions; `tone` marks the one to prefer or the destructive one. */
export function RowButton({
  tone,
  onClick,
  children,
}: {
  tone?: 'primary' | 'danger';
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button type="button" className={tone ? `small ${tone}` : 'small'} onClick={onClick}>
      {children}
    </button>
  );
}

/** The page header's create button, for editors only. */
/** A list's first cell: the entity's name, which may link to its page, over its description. */
export function NameCell({
  name,
  description,
  href,
}: {
  name: string;
  description: string | null | undefined;
  href?: string;
}) {
  const strong = <strong>{name}</strong>;
  return (
    <td>
      {href ? <Link href={href}>{strong}</Link> : strong}
      {description ? <div className="muted">{description}</div> : null}
    </td>
  );
}

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
      <RowButton onClick={onEdit}>Edit</RowButton>
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
