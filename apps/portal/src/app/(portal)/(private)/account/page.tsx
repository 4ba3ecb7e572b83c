import { PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { loadDeveloper } from '../../../../lib/session';
import { AccountView } from './account-view';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const developer = await loadDeveloper();
  if (!developer) redirect('/sign-in?next=/account');
  return (
    <>
      <PageHeader title="Account" description={developer.email} />
      <AccountView
        name={developer.name}
        email={developer.email}
        createdAt={String(developer.createdAt)}
      />
    </>
  );
}
