'use client';

import type { CSSProperties, ReactNode } from 'react';
import { type Form, FormScope } from './fields';
import { ErrorAlert } from './ui';

/**
 * A form that sends one mutation; its controls bind to `form` through a FormScope. `form.submit()` marks every field touched and gives the parsed
 * input or null; the server's refusal surfaces through the mutation's `error`, shown above the
 * fields, so the failed promise needs no handling of its own here.
 */
export function MutationForm<T>({
  form,
  onValid,
  error,
  className = 'form',
  style,
  children,
}: {
  form: Form & { submit: () => T | null };
  onValid: (input: T) => Promise<unknown>;
  /** Omitted where the caller shows the failure elsewhere. */
  error?: unknown;
  className?: string;
  style?: CSSProperties;
  children: ReactNode;
}) {
  return (
    <form
      className={className}
      style={style}
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const input = form.submit();
        if (input === null) return;
        try {
          await onValid(input);
        } catch {
          // Shown from the mutation's error.
        }
      }}
    >
      <ErrorAlert error={error} />
      <FormScope form={form}>{children}</FormScope>
    </form>
  );
}

/** Cancel and the submit button at the foot of a dialog's form. */
export function FormActions({
  onCancel,
  submitLabel,
  disabled,
}: {
  onCancel: () => void;
  submitLabel: string;
  disabled: boolean;
}) {
  return (
    <div className="form-actions">
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={disabled}>
        {submitLabel}
      </button>
    </div>
  );
}
