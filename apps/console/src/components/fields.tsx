'use client';

import { createContext, type ReactNode, useContext, useState } from 'react';
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

const FormContext = createContext<Form | null>(null);

/** Makes `form` the one the controls below bind to, so no control needs it passed by hand. */
export function FormScope({ form, children }: { form: Form; children: ReactNode }) {
  return <FormContext.Provider value={form}>{children}</FormContext.Provider>;
}

/** The form of the nearest FormScope (every MutationForm and AuthForm opens one). */
export function useFormContext(): Form {
  const form = useContext(FormContext);
  if (!form) throw new Error('form controls must be rendered inside a FormScope');
  return form;
}

export function TextInput({
  path,
  label,
  hint,
  placeholder,
  type = 'text',
  multiline = false,
  disabled = false,
  name,
  autoComplete,
}: {
  path: string;
  label: string;
  hint?: ReactNode;
  placeholder?: string;
  type?: string;
  multiline?: boolean;
  disabled?: boolean;
  name?: string;
  autoComplete?: string;
}) {
  const form = useFormContext();
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
            name={name}
            autoComplete={autoComplete}
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
  path,
  label,
  hint,
}: {
  path: string;
  label: string;
  hint?: ReactNode;
}) {
  const form = useFormContext();
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
  path,
  label,
  hint,
  placeholder,
}: {
  path: string;
  label: string;
  hint?: ReactNode;
  placeholder?: string;
}) {
  const form = useFormContext();
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

export function Checkbox({ path, label }: { path: string; label: string }) {
  const form = useFormContext();
  return (
    <CheckControl
      label={label}
      checked={form.get(path) === true}
      onCheck={(checked) => form.set(path, checked)}
    />
  );
}

/**
 * A labelled checkbox that is not one boolean of the draft: it switches a part of the form on or
 * off, or picks a value into a list; `onCheck` decides what the draft stores.
 */
export function CheckControl({
  label,
  checked,
  onCheck,
}: {
  label: ReactNode;
  checked: boolean;
  onCheck: (checked: boolean) => void;
}) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onCheck(e.target.checked)} />
      {label}
    </label>
  );
}

export function Select({
  path,
  label,
  options,
  hint,
}: {
  path: string;
  label: string;
  options: readonly (string | { value: string; label: string })[];
  hint?: ReactNode;
}) {
  const form = useFormContext();
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
export function RecordInput({
  path,
  label,
  hint = 'One “Header-Name: value” per line.',
}: {
  path: string;
  label: string;
  hint?: string;
}) {
  const form = useFormContext();
  const value = form.get(path);
  const [text, setText] = useState(
    value && typeof value === 'object'
      ? Object.entries(value as Record<string, string>)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')
      : '',
  );
  return (
    <Field label={label} error={form.error(path)} hint={hint}>
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

/** One choice of a few, as radio buttons in a row. */
export function Radios<V extends string>({
  name,
  value,
  options,
  onChange,
}: {
  name: string;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (value: V) => void;
}) {
  return (
    <div className="toolbar">
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="radio"
            name={name}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          {o.label}
        </label>
      ))}
    </div>
  );
}

/** A set of values picked with checkboxes, in the order they were ticked. */
export function CheckList({
  options,
  selected,
  onChange,
}: {
  options: readonly { value: string; label: string }[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
}) {
  return options.map((o) => (
    <CheckControl
      key={o.value}
      label={o.label}
      checked={selected.includes(o.value)}
      onCheck={(checked) =>
        onChange(checked ? [...selected, o.value] : selected.filter((x) => x !== o.value))
      }
    />
  ));
}

/** The message about a whole group (a check across its fields), under its fieldset. */
export function FieldsetError({ path }: { path: string }) {
  const form = useFormContext();
  const error = form.error(path);
  return error ? <span className="error">{error}</span> : null;
}

/** Options from rows with an id and a name, the usual shape of a select's choices. */
export function namedOptions(rows: readonly { id: string; name: string }[] | undefined) {
  return (rows ?? []).map((r) => ({ value: r.id, label: r.name }));
}

/** A required choice: an empty first option asking for one (or saying there is none yet). */
export function withPlaceholder(
  placeholder: string,
  options: readonly { value: string; label: string }[],
) {
  return [{ value: '', label: placeholder }, ...options];
}

/**
 * A required choice of one of the operator's entities (a service, a consumer) by id; while there
 * are none, the empty option says to create one first.
 */
export function EntitySelect({
  path,
  label,
  noun,
  rows,
}: {
  path: string;
  label: string;
  noun: string;
  rows: readonly { id: string; name: string }[] | undefined;
}) {
  return (
    <Select
      path={path}
      label={label}
      options={withPlaceholder(
        rows?.length ? `Choose a ${noun}` : `Create a ${noun} first`,
        namedOptions(rows),
      )}
    />
  );
}
