'use client';

import { Fragment, type ReactNode, useState } from 'react';
import { Dialog, OnceSecret } from './ui';

/** A dialog about one item, open while there is an item. */
export function ItemDialog<T>({
  item,
  title,
  onClose,
  children,
}: {
  item: T | null;
  title: (item: T) => string;
  onClose: () => void;
  children: (item: T) => ReactNode;
}) {
  return (
    <Dialog open={item !== null} title={item === null ? '' : title(item)} onClose={onClose}>
      {item === null ? null : children(item)}
    </Dialog>
  );
}

/** What a list page is editing: nothing, a new item, or one of its rows. */
export type Editing<T> = T | 'new' | null;

export function useEditing<T>() {
  const [editing, setEditing] = useState<Editing<T>>(null);
  return { editing, edit: setEditing, close: () => setEditing(null) };
}

/**
 * The create/edit dialog of a list page. The form is keyed by the item, so opening another row
 * starts from that row's values instead of the last draft.
 */
export function EditorDialog<T extends { id: string; name: string }>({
  noun,
  editing,
  onClose,
  children,
}: {
  /** As in "New plan". */
  noun: string;
  editing: Editing<T>;
  onClose: () => void;
  children: (item: T | null) => ReactNode;
}) {
  return (
    <Dialog
      open={editing !== null}
      title={editing === 'new' ? `New ${noun}` : `Edit ${editing?.name ?? ''}`}
      onClose={onClose}
    >
      {editing !== null ? (
        <Fragment key={editing === 'new' ? 'new' : editing.id}>
          {children(editing === 'new' ? null : editing)}
        </Fragment>
      ) : null}
    </Dialog>
  );
}

/** A secret just created, shown once, with whatever else the person needs and a Done button. */
export function SecretShown({
  label,
  secret,
  onDone,
  children,
}: {
  label: string;
  secret: string;
  onDone: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="form">
      <OnceSecret label={label} secret={secret} />
      {children}
      <div className="form-actions">
        <button type="button" className="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
