'use client';

import { CredentialsSection } from '@portico/ui';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { use } from 'react';
import { useInvalidate } from '../../../../components/list-page';
import { useSession } from '../../../../components/session';
import { Badge, ErrorAlert, PageHeader } from '../../../../components/ui';
import { useTRPC } from '../../../../lib/trpc';

const iso = (value: Date | string) => new Date(value).toISOString();

/** One consumer: its status, a link to its keys, and its other credentials (basic, …). */
export default function ConsumerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const trpc = useTRPC();
  const session = useSession();
  const consumer = useQuery(trpc.consumers.get.queryOptions({ id }));
  const credentials = useQuery(trpc.credentials.list.queryOptions({ consumerId: id }));
  const invalidate = useInvalidate(trpc.credentials.pathKey());
  const create = useMutation(trpc.credentials.create.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.credentials.revoke.mutationOptions({ onSuccess: invalidate }));
  const c = consumer.data;
  return (
    <>
      <div className="crumbs">
        <Link href="/consumers">Consumers</Link> / {c?.name ?? id}
      </div>
      <PageHeader
        title={c?.name ?? 'Consumer'}
        description={c?.description ?? 'Credentials this consumer calls your APIs with.'}
        actions={<Link href={`/keys?consumer=${id}`}>API keys</Link>}
      />
      <ErrorAlert error={consumer.error ?? credentials.error} />
      {c ? (
        <p>
          <Badge tone={c.status === 'active' ? 'ok' : 'danger'}>{c.status}</Badge>
        </p>
      ) : null}
      <CredentialsSection
        rows={(credentials.data ?? []).map((row) => ({
          id: row.id,
          kind: row.kind,
          name: row.name,
          identifier: row.identifier,
          status: row.status,
          createdAt: iso(row.createdAt),
          expiresAt: row.expiresAt ? iso(row.expiresAt) : null,
          lastUsedAt: row.lastUsedAt ? iso(row.lastUsedAt) : null,
        }))}
        readOnlyReason={session.canEdit ? null : 'Your role can view credentials, not change them.'}
        onCreate={async (creation) => {
          // The section builds the spec from the kind's field list; the server validates it.
          const issued = await create.mutateAsync({
            consumerId: id,
            ...creation,
            spec: creation.spec as Parameters<typeof create.mutateAsync>[0]['spec'],
          });
          return { identifier: issued.credential.identifier, secret: issued.secret };
        }}
        onRevoke={(credentialId) => revoke.mutateAsync({ id: credentialId })}
      />
    </>
  );
}
