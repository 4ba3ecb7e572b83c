import type { Metadata } from 'next';
import { loadBranding } from '../../../lib/branding';
import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Create an account' };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<{ invite?: string; token?: string; email?: string }>;
}) {
  const [params, branding] = await Promise.all([searchParams, loadBranding()]);
  return (
    <SignUpForm
      mode={branding.signUpMode}
      portalName={branding.portalName}
      inviteToken={params.invite ?? params.token ?? null}
      email={params.email ?? ''}
    />
  );
}
