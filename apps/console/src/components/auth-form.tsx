'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { type Form, FormScope } from './fields';
import { ErrorAlert } from './ui';

/**
 * The card form of the pages outside the console (sign in, set up, accept an invite). `form`
 * marks the fields submitted and gives the valid input or null; a valid input is sent with
 * `mutation`, whose failure shows above the fields.
 */
export function AuthForm<T>({
  title,
  subtitle,
  form,
  mutation,
  children,
}: {
  title: string;
  subtitle: string;
  form: Form & { submit: () => T | null };
  mutation: { mutate: (input: T) => void; error: unknown };
  children: ReactNode;
}) {
  return (
    <div className="auth-page">
      <form
        className="auth-card form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const input = form.submit();
          if (input !== null) mutation.mutate(input);
        }}
      >
        <div>
          <h1>{title}</h1>
          <p>{subtitle}</p>
        </div>
        <ErrorAlert error={mutation.error} />
        <FormScope form={form}>{children}</FormScope>
      </form>
    </div>
  );
}

/**
 * After a session was created: every cached answer belonged to no one, so all are refetched
 * before going to `path`.
 */
export function useEnterConsole() {
  const queryClient = useQueryClient();
  const router = useRouter();
  return (path: string) => async () => {
    await queryClient.invalidateQueries();
    router.replace(path);
  };
}
