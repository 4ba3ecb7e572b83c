'use client';

import { ItemDialog, SecretShown } from '../../../components/dialogs';

/** The token just created, shown once. */
export function NewTokenDialog({ token, onClose }: { token: string | null; onClose: () => void }) {
  return (
    <ItemDialog item={token} title={() => 'Your new token'} onClose={onClose}>
      {(clear) => <SecretShown label="token" secret={clear} onDone={onClose} />}
    </ItemDialog>
  );
}
