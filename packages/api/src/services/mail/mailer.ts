import { createTransport } from 'nodemailer';

/** One plain-text message; the portal's mail is short and carries one link. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Where the portal's mail goes. `send` never throws: it answers whether the message was handed over. */
export interface Mailer {
  send(message: MailMessage): Promise<boolean>;
}

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` (nodemailer's connection URL). */
  url: string;
  /** The From header, e.g. `Portico <portal@example.com>`. */
  from: string;
  /** Called with the reason when a message could not be sent (the control plane logs it). */
  onError?: (error: unknown, message: MailMessage) => void;
}

/** Sends through an SMTP server with nodemailer; a failed send is reported, not thrown. */
export function smtpMailer(options: SmtpMailerOptions): Mailer & { close(): void } {
  const transport = createTransport(options.url);
  return {
    async send(message) {
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
        });
        return true;
      } catch (error) {
        options.onError?.(error, message);
        return false;
      }
    },
    close: () => transport.close(),
  };
}

/**
 * For development without an SMTP server: each message is written to the log, link included, so
 * a developer signing up locally can follow it. Never use it where the log is shared.
 */
export function loggingMailer(log: (line: string) => void): Mailer {
  return {
    async send(message) {
      log(`mail to ${message.to}: ${message.subject}\n${message.text}`);
      return true;
    },
  };
}
