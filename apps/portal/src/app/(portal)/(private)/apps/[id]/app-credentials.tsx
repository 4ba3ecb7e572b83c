'use client';

import { type CredentialRow, CredentialsSection, errorMessage } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../../../../../lib/trpc';

/**
 * The app's credentials other than keys (Basic usernames and passwords, …): create, with
 * generated secrets shown once, and revoke. Kind-specific fields come from the UI kit.
 */
export function AppCredentials({
  appId,
  appSuspended,
  credentials,
}: {
  appId: string;
  appSuspended: boolean;
  credentials: CredentialRow[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.portal.credentials.create.mutationOptions());
  const revoke = useMutation(trpc.portal.credentials.revoke.mutationOptions());
  return (
    <CredentialsSection
      rows={credentials}
      createBlockedReason={
        appSuspended ? 'This app is suspended: its credentials do not work.' : null
      }
      describeError={errorMessage}
      onCreate={async (creation) => {
        // The section builds the spec from the kind's field list; the server validates it.
        const issued = await create.mutateAsync({
          appId,
          ...creation,
          spec: creation.spec as Parameters<typeof create.mutateAsync>[0]['spec'],
        });
        router.refresh();
        return { identifier: issued.credential.identifier, secret: issued.secret };
      }}
      onRevoke={async (id) => {
        await revoke.mutateAsync({ id });
        router.refresh();
      }}
    />
  );
}
