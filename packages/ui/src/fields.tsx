import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';
import { cx } from './class-names';

interface FieldFrame {
  label: ReactNode;
  hint?: ReactNode;
  /** The message saying what to fix; marks the control invalid. */
  error?: string | null;
}

function Frame({
  id,
  label,
  hint,
  error,
  children,
}: FieldFrame & { id: string; children: ReactNode }) {
  return (
    <div className={cx('pui-field', error && 'pui-field-invalid')}>
      <label htmlFor={id} className="pui-label">
        {label}
      </label>
      {children}
      {error ? (
        <div className="pui-field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="pui-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error?: string | null, hint?: ReactNode): string | undefined {
  if (error) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

/** The control's id (the caller's or a generated one) and the attributes tying it to its message. */
function useControlAttributes(id: string | undefined, error?: string | null, hint?: ReactNode) {
  const generated = useId();
  const fieldId = id ?? generated;
  return {
    id: fieldId,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy(fieldId, error, hint),
  };
}

type ControlAttributes = ReturnType<typeof useControlAttributes>;

/** A control in its frame; `children` draws it with attributes tying it to label and message. */
function FramedControl({
  id,
  label,
  hint,
  error,
  children,
}: FieldFrame & { id?: string | undefined; children: (control: ControlAttributes) => ReactNode }) {
  const control = useControlAttributes(id, error, hint);
  return (
    <Frame id={control.id} label={label} hint={hint} error={error}>
      {children(control)}
    </Frame>
  );
}

/** The frame's part of a field's props. */
function frameOf({ label, hint, error, id }: FieldFrame & { id?: string | undefined }) {
  return { label, hint, error, id };
}

/** The control's part of a field's props: all but the frame's, `classes` before the caller's. */
function controlOf<
  Props extends FieldFrame & { id?: string | undefined; className?: string | undefined },
>(
  { label: _label, hint: _hint, error: _error, id: _id, className, ...control }: Props,
  ...classes: string[]
) {
  return { ...control, className: cx(...classes, className) };
}

/** A labelled text input with its hint or error. */
export function TextField(props: FieldFrame & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FramedControl {...frameOf(props)}>
      {(control) => <input {...control} {...controlOf(props, 'pui-input')} />}
    </FramedControl>
  );
}

/** A labelled multi-line input. */
export function TextAreaField(props: FieldFrame & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FramedControl {...frameOf(props)}>
      {(control) => <textarea {...control} {...controlOf(props, 'pui-input', 'pui-textarea')} />}
    </FramedControl>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

/** A labelled native select: keyboard and screen-reader friendly on every platform. */
export function SelectField({
  label,
  hint,
  error,
  id,
  options,
  className,
  ...select
}: FieldFrame & SelectHTMLAttributes<HTMLSelectElement> & { options: SelectOption[] }) {
  return (
    <FramedControl id={id} label={label} hint={hint} error={error}>
      {(control) => (
        <select {...control} className={cx('pui-input', 'pui-select', className)} {...select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FramedControl>
  );
}

/** A labelled checkbox. */
export function CheckboxField({
  label,
  id,
  ...input
}: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const generated = useId();
  const fieldId = id ?? generated;
  return (
    <label className="pui-check" htmlFor={fieldId}>
      <input id={fieldId} type="checkbox" {...input} />
      <span>{label}</span>
    </label>
  );
}

/** The lifetimes a new key or credential may be given, in seconds from now ('' for never). */
export const EXPIRY_OPTIONS: SelectOption[] = [
  { value: '', label: 'Never' },
  { value: String(30 * 86_400), label: 'In 30 days' },
  { value: String(90 * 86_400), label: 'In 90 days' },
  { value: String(365 * 86_400), label: 'In a year' },
];

/** The "Expires" choice of a new key or credential; `value` is seconds from now, '' for never. */
export function ExpiryField({
  value,
  onValue,
  options = EXPIRY_OPTIONS,
}: {
  value: string;
  onValue: (value: string) => void;
  options?: SelectOption[];
}) {
  return (
    <SelectField
      label="Expires"
      options={options}
      value={value}
      onChange={(e) => onValue(e.target.value)}
    />
  );
}
