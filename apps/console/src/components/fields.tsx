'use client';

import { type ReactNode, useState } from 'react';
import type { z } from 'zod';
import { getPath, setPath } from '../lib/paths';
import { type FieldErrors, validate } from '../lib/validation';
import { useTouched } from './form-state';
import { Field } from './ui';

/**
 * A form draft validated with a shared zod schema on every change. Controls bind to dotted
 * paths of the draft; each shows its message once touched (or after a submit attempt).
 */
export function useForm<S extends z.ZodType, D extends object>(
  schema: S,
  initial: D,
  toInput: (draft: D) => unknown = (d) => d,
) {
  const [draft, setDraft] = useState<D>(initial);
  const touched = useTouched();
  const checked = validate(schema, toInput(draft));
  return {
    draft,
    setDraft,
    errors: checked.errors,
    checked,
    touched,
    get: (path: string) => getPath(draft, path),
    set: (path: string, value: unknown) => {
      touched.touch(path);
      setDraft((d) => setPath(d, path, value));
    },
    error: (path: string) => touched.shown(checked.errors, path),
    /** Marks the form submitted; returns the parsed input when valid. */
    submit: (): z.output<S> | null => {
      touched.submit();
      return checked.ok ? checked.data : null;
    },
  };
}

export type Form = {
  get: (path: string) => unknown;
  set: (path: string, value: unknown) => void;
  error: (path: string) => string | undefined;
  errors: FieldErrors;
};

export function TextInput({
  form,
  path,
  label,
  hint,
  placeholder,
  type = 'text',
  multiline = false,
  disabled = false,
}: {
  form: Form;
  path: string;
  label: string;
  hint?: ReactNode;
  placeholder?: string;
  type?: string;
  multiline?: boolean;
  disabled?: boolean;
}) {
  const value = form.get(path);
  const text = typeof value === 'string' ? value : '';
  return (
    <Field label={label} error={form.error(path)} hint={hint}>
      {(p) =>
        multiline ? (
          <textarea
            {...p}
            value={text}
            placeholder={placeholder}
            disabled={disabled}
            onChange={(e) => form.set(path, e.target.value)}
          />
        ) : (
          <input
            {...p}
            type={type}
            value={text}
            placeholder={placeholder}
            disabled={disabled}
            onChange={(e) => form.set(path, e.target.value)}
          />
        )
      }
    </Field>
  );
}

/** Blank stores undefined (so defaults apply); anything else a number, NaN when not one. */
export function NumberInput({
  form,
  path,
  label,
  hint,
}: {
  form: Form;
  path: string;
  label: string;
  hint?: ReactNode;
}) {
  const value = form.get(path);
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  return (
    <Field label={label} error={form.error(path)} hint={hint}>
      {(p) => (
        <input
          {...p}
          inputMode="numeric"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            const t = e.target.value.trim();
            form.set(path, t === '' ? undefined : Number(t));
          }}
        />
      )}
    </Field>
  );
}

/** A list edited as comma/newline separated text. */
export function ListInput({
  form,
  path,
  label,
  hint,
  placeholder,
}: {
  form: Form;
  path: string;
  label: string;
  hint?: ReactNode;
  placeholder?: string;
}) {
  const value = form.get(path);
  const [text, setText] = useState(Array.isArray(value) ? value.join(', ') : '');
  return (
    <Field label={label} error={form.error(path)} hint={hint ?? 'Comma or newline separated.'}>
      {(p) => (
        <input
          {...p}
          value={text}
          placeholder={placeholder}
          onChange={(e) => {
            setText(e.target.value);
            form.set(
              path,
              e.target.value
                .split(/[,\n]/)
                .map((s) => s.trim())
                .filter((s) => s.length > 0),
            );
          }}
        />
      )}
    </Field>
  );
}

export function Checkbox({ form, path, label }: { form: Form; path: string; label: string }) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={form.get(path) === true}
        onChange={(e) => form.set(path, e.target.checked)}
      />
      {label}
    </label>
  );
}

export function Select({
  form,
  path,
  label,
  options,
  hint,
}: {
  form: Form;
  path: string;
  label: string;
  options: readonly (string | { value: string; label: string })[];
  hint?: ReactNode;
}) {
  const value = form.get(path);
  return (
    <Field label={label} error={form.error(path)} hint={hint}>
      {(p) => (
        <select
          {...p}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => form.set(path, e.target.value)}
        >
          {options.map((o) => {
            const opt = typeof o === 'string' ? { value: o, label: o } : o;
            return (
              <option key={opt.value} value={opt.value}>
                {opt.label}
              </option>
            );
          })}
        </select>
      )}
    </Field>
  );
}

/** Key: value lines to a record (header transforms). */
export function RecordInput({ form, path, label }: { form: Form; path: string; label: string }) {
  const value = form.get(path);
  const [text, setText] = useState(
    value && typeof value === 'object'
      ? Object.entries(value as Record<string, string>)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')
      : '',
  );
  return (
    <Field label={label} error={form.error(path)} hint="One “Header-Name: value” per line.">
      {(p) => (
        <textarea
          {...p}
          value={text}
          style={{ minHeight: 60 }}
          onChange={(e) => {
            setText(e.target.value);
            const record: Record<string, string> = {};
            for (const line of e.target.value.split('\n')) {
              const at = line.indexOf(':');
              if (at > 0) record[line.slice(0, at).trim()] = line.slice(at + 1).trim();
            }
            form.set(path, record);
          }}
        />
      )}
    </Field>
  );
}
