'use client';

import { Button, EmptyState } from '@portico/ui';
import type { ErrorPageProps } from '../../components/page-props';

/** A page that failed to load says so and offers to try again; the digest traces it in the log. */
export default function PortalError({ error, reset }: ErrorPageProps) {
  return (
    <EmptyState
      title="This page could not be loaded"
      action={<Button onClick={reset}>Try again</Button>}
    >
      {error.digest ? `Reference ${error.digest}. ` : null}
      The control plane may be unreachable for a moment.
    </EmptyState>
  );
}
