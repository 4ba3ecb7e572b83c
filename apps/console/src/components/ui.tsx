'use client';

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../lib/trpc';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? <div className="toolbar">{actions}</div> : null}
    </header>
  );
}

export type BadgeTone = 'ok' | 'warn' | 'danger' | 'info' | 'neutral';

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`badge ${tone === 'neutral' ? '' : tone}`}>{children}</span>;
}

/** Placeholder rows while a query loads, so the layout does not jump. */
export function Skeleton({ rows = 4 }: { rows?: number }) {
  const widths = ['92%', '78%', '85%', '64%', '88%', '70%'];
  return (
    <div className="panel" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div
          key={widths[i % widths.length] + String(i)}
          className="skeleton"
          style={{ width: widths[i % widths.length] }}
        />
      ))}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="alert" role="alert">
      {errorMessage(error)}
    </div>
  );
}

/** Label, control, hint and the validation message, wired with ids for screen readers. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
  }) => ReactNode;
}) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(error),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {error ? (
        <span className="error" id={`${id}-error`}>
          {error}
        </span>
      ) : hint ? (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** A modal on the native <dialog>: focus trapping and Escape come from the browser. */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose}>
      {open ? (
        <>
          <div className="dialog-head">
            <h2 id={titleId}>{title}</h2>
          </div>
          <div className="dialog-body">{children}</div>
        </>
      ) : null}
    </dialog>
  );
}

/**
 * A destructive action behind a confirmation dialog. `onConfirm` returns a promise; its
 * rejection (the server's refusal) is shown in the dialog instead of closing it.
 */
export function ConfirmButton({
  label,
  title,
  message,
  confirmLabel,
  onConfirm,
  className = 'danger small',
}: {
  label: string;
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<unknown>;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        className={className}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        {label}
      </button>
      <Dialog open={open} title={title} onClose={() => setOpen(false)}>
        <div className="form">
          <div>{message}</div>
          <ErrorAlert error={error} />
          <div className="form-actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger solid"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  await onConfirm();
                  setOpen(false);
                } catch (e) {
                  setError(e);
                } finally {
                  setBusy(false);
                }
              }}
            >
              {busy ? 'Working…' : (confirmLabel ?? label)}
            </button>
          </div>
        </div>
      </Dialog>
    </>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="small"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
        } catch {
          // Clipboard access can be refused (insecure origin, permissions); the text stays visible to copy by hand.
          setCopied(false);
        }
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** A secret shown once, with the warning and a copy button. */
export function OnceSecret({ label, secret }: { label: string; secret: string }) {
  return (
    <div className="form">
      <div className="alert info">
        This {label} is shown only once. Copy it now and store it safely: Portico keeps only a hash.
      </div>
      <div className="secret" data-testid="once-secret">
        {secret}
      </div>
      <div>
        <CopyButton text={secret} label={`Copy ${label}`} />
      </div>
    </div>
  );
}

/** Previous/Next under a table, with where the person is in the list. */
export function Pager({
  page,
  pages,
  total,
  hasNext = true,
  onPage,
}: {
  page: number;
  pages: number;
  total: number;
  /** False when the server says this is the last page, whatever the count suggested. */
  hasNext?: boolean;
  onPage: (page: number) => void;
}) {
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label="Pagination">
      <span>
        Page {page + 1} of {pages} · {total} items
      </span>
      <span className="toolbar" style={{ margin: 0 }}>
        <button
          type="button"
          className="small"
          disabled={page === 0}
          onClick={() => onPage(page - 1)}
        >
          Previous
        </button>
        <button
          type="button"
          className="small"
          disabled={page >= pages - 1 || !hasNext}
          onClick={() => onPage(page + 1)}
        >
          Next
        </button>
      </span>
    </nav>
  );
}

/** A formatter of optional timestamps in the reader's locale; a missing one is shown as —. */
function timestampFormat(
  options: Intl.DateTimeFormatOptions,
): (value: string | Date | null | undefined) => string {
  return (value) => {
    if (!value) return '—';
    const date = typeof value === 'string' ? new Date(value) : value;
    return date.toLocaleString(undefined, options);
  };
}

export const formatDate = timestampFormat({
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** Date and time to the second, for logs where minutes are too coarse. */
export const formatTimeToSecond = timestampFormat({
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function timeAgo(value: string | Date | null | undefined, now = Date.now()): string {
  if (!value) return 'never';
  const then = (typeof value === 'string' ? new Date(value) : value).getTime();
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** Comma/newline separated text to a trimmed list without blanks. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
