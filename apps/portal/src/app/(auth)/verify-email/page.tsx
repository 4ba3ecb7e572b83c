import type { Metadata } from 'next';
import { type MailedLinkPageProps, mailedToken } from '../../../components/page-props';
import { VerifyEmail } from './verify-email';

export const metadata: Metadata = { title: 'Confirm your email' };

export default async function VerifyEmailPage(props: MailedLinkPageProps) {
  return <VerifyEmail token={await mailedToken(props)} />;
}
