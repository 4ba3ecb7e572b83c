import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface Mailbox {
  port: number;
  /** Where each received message is written as <n>.eml, readable from the specs' processes. */
  dir: string;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package) that accepts every message without
 * TLS or authentication and writes it to `dir`, so the specs can follow mailed links.
 */
export async function startMailbox(dir: string): Promise<Mailbox> {
  mkdirSync(dir, { recursive: true });
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received += 1;
        writeFileSync(join(dir, `${String(received).padStart(4, '0')}.eml`), Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The raw messages received so far that were sent to `to`, oldest first. */
export function messagesTo(dir: string, to: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .filter(
      (raw) => raw.toLowerCase().includes(`to: ${to.toLowerCase()}`) || raw.includes(`<${to}>`),
    );
}

/**
 * The first http(s) link in a message with `path` in it. Quoted-printable soft line breaks
 * (`=` at a line end) and `=3D` are undone first, as a mail client would.
 */
export function linkIn(raw: string, path: string): string | null {
  const decoded = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const links = decoded.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  return links.find((link) => link.includes(path)) ?? null;
}
