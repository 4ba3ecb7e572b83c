import type { CSSProperties, ReactNode } from 'react';
import { Alert } from './layout';
import { preventingDefault } from './prevent-default';
import { errorMessage, fieldError } from './request-errors';

export interface ProblemFormProps {
  /** The failed request's error, if any. */
  error: unknown;
  /** Fields whose "field: problem" messages are shown under the field instead of above the form. */
  fields: readonly string[];
  /** Lets a dialog's footer button submit the form from outside it. */
  id?: string;
  onSubmit: () => void;
  style?: CSSProperties;
  children: ReactNode;
}

/** A request's failure above the form, unless one of `fields` shows it under that field. */
export function FormProblem({ error, fields }: { error: unknown; fields: readonly string[] }) {
  if (!error || fields.some((field) => fieldError(error, field) !== null)) return null;
  return <Alert>{errorMessage(error)}</Alert>;
}

/**
 * A stacked form that submits without a page load, with the request's error above it unless a
 * field shows it.
 */
export function ProblemForm({ error, fields, id, onSubmit, style, children }: ProblemFormProps) {
  return (
    <>
      <FormProblem error={error} fields={fields} />
      <form id={id} className="stack" style={style} onSubmit={preventingDefault(onSubmit)}>
        {children}
      </form>
    </>
  );
}
