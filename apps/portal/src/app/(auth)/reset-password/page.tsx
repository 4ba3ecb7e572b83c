import type { Metadata } from 'next';
import { type MailedLinkPageProps, mailedToken } from '../../../components/page-props';
import { ResetPasswordForm } from './reset-password-form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetPasswordPage(props: MailedLinkPageProps) {
  return <ResetPasswordForm token={await mailedToken(props)} />;
}
