'use client';

import { useCallback, useState } from 'react';
import type { FieldErrors } from '../lib/validation';
import { errorAt } from '../lib/validation';

/**
 * Which fields the user has touched, so validation runs on every keystroke but a message appears
 * only for a field already edited, or for all of them once submit was tried.
 */
export function useTouched() {
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const touch = useCallback((path: string) => {
    setTouched((prev) => (prev.has(path) ? prev : new Set(prev).add(path)));
  }, []);
  const shown = useCallback(
    (errors: FieldErrors, path: string): string | undefined =>
      submitted || touched.has(path) ? errorAt(errors, path) : undefined,
    [submitted, touched],
  );
  const reset = useCallback(() => {
    setTouched(new Set());
    setSubmitted(false);
  }, []);
  return { touch, shown, submit: () => setSubmitted(true), submitted, reset };
}
