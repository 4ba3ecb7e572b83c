'use client';

import { Alert, ConfirmDialog, errorMessage } from '@portico/ui';
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';

/**
 * Asks before a destructive action on one item: open while there is an item, closed by clearing
 * it, and the server's refusal shown in place so the person can read why.
 */
export function ConfirmItemDialog<T>({
  item,
  onClose,
  title,
  description,
  confirmLabel,
  mutation,
  onConfirm,
}: {
  item: T | null;
  onClose: () => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /** The request the confirm button starts: the dialog shows it running, and why it failed. */
  mutation: { isPending: boolean; error: unknown };
  onConfirm: (item: T) => void;
}) {
  return (
    <ConfirmDialog
      open={item !== null}
      onOpenChange={(open) => !open && onClose()}
      title={title}
      description={description}
      confirmLabel={confirmLabel}
      destructive
      busy={mutation.isPending}
      onConfirm={() => {
        if (item !== null) onConfirm(item);
      }}
    >
      {mutation.error ? <Alert>{errorMessage(mutation.error)}</Alert> : null}
    </ConfirmDialog>
  );
}

/**
 * What a dialog does once its change went through: close, and render the server page again so
 * the list shows the change.
 */
export function useCloseThenRefresh(onClose: () => void): () => void {
  const router = useRouter();
  return () => {
    onClose();
    router.refresh();
  };
}
