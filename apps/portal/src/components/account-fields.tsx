'use client';

import { TextField } from '@portico/ui';
import type { ComponentProps } from 'react';

type FieldProps = Omit<
  ComponentProps<typeof TextField>,
  'type' | 'required' | 'autoComplete' | 'onChange'
> & {
  /** Receives the text as typed. */
  onValue: (value: string) => void;
};

/**
 * A required password input. `current` asks for the password the account has (browsers offer the
 * saved one); otherwise it takes a new one (browsers offer to generate it).
 */
export function PasswordField({
  current = false,
  onValue,
  ...field
}: FieldProps & { current?: boolean }) {
  return (
    <TextField
      type="password"
      autoComplete={current ? 'current-password' : 'new-password'}
      required
      onChange={(e) => onValue(e.target.value)}
      {...field}
    />
  );
}

/** A required email input (an account's address). */
export function EmailField({ onValue, ...field }: FieldProps) {
  return (
    <TextField
      type="email"
      autoComplete="email"
      required
      onChange={(e) => onValue(e.target.value)}
      {...field}
    />
  );
}
