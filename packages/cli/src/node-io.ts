import { readFile, writeFile } from 'node:fs/promises';
import type { CliIo } from './io';

/** The real process: stdout/stderr, the file system and stdin. */
export function createNodeIo(): CliIo {
  // `portico dump | head` closes the pipe early; that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    writeOut: (text) => void process.stdout.write(text),
    writeErr: (text) => void process.stderr.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    readText: (path) => (path === '-' ? readStdin() : readFile(path, 'utf8')),
    readBytes: (path) => readFile(path),
    writeText: (path, text) => writeFile(path, text, 'utf8'),
    now: () => new Date(),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
