import type { MailMessage } from './mailer';

/** The portal's mails. Links point at the portal, which hands the token to the control plane. */

export function portalLink(portalUrl: string, path: string, token: string): string {
  const url = new URL(path, portalUrl.endsWith('/') ? portalUrl : `${portalUrl}/`);
  url.searchParams.set('token', token);
  return url.toString();
}

export function verificationMail(
  to: string,
  portalName: string,
  link: string,
  hours: number,
): MailMessage {
  return {
    to,
    subject: `${portalName}: confirm your email address`,
    text: `Confirm your email address for ${portalName} by opening this link:\n\n${link}\n\nThe link works once and expires in ${hours} hours. If you did not sign up, ignore this mail.\n`,
  };
}

export function passwordResetMail(
  to: string,
  portalName: string,
  link: string,
  minutes: number,
): MailMessage {
  return {
    to,
    subject: `${portalName}: reset your password`,
    text: `Choose a new password for ${portalName} by opening this link:\n\n${link}\n\nThe link works once and expires in ${minutes} minutes. If you did not ask for it, ignore this mail; your password stays as it is.\n`,
  };
}

export function developerInviteMail(
  to: string,
  portalName: string,
  link: string,
  days: number,
): MailMessage {
  return {
    to,
    subject: `You are invited to ${portalName}`,
    text: `You are invited to create a developer account on ${portalName}:\n\n${link}\n\nThe invitation is for ${to}, works once and expires in ${days} days.\n`,
  };
}

export function signUpDecisionMail(
  to: string,
  portalName: string,
  approved: boolean,
  signInLink: string,
): MailMessage {
  return approved
    ? {
        to,
        subject: `${portalName}: your account is approved`,
        text: `Your developer account on ${portalName} is approved. Sign in at ${signInLink}\n`,
      }
    : {
        to,
        subject: `${portalName}: your sign-up was declined`,
        text: `Your request for a developer account on ${portalName} was declined.\n`,
      };
}
