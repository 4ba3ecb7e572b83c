import type { IncomingMessage } from 'node:http';

/** Told once when the collected body is complete, too large, or the client failed mid-body. */
export interface BodyCollectorTarget {
  onBodyCollected(body: Buffer): void;
  onBodyTooLarge(limit: number): void;
  onBodyFailed(): void;
}

/**
 * Reads a request body whole, up to `limit` bytes, for a validator that must see all of it
 * before anything is forwarded. Only bodies an operation declares as JSON are collected; all
 * others keep streaming untouched.
 */
export class BodyCollector {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private done = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly target: BodyCollectorTarget,
  ) {
    req.on('data', (chunk: Buffer) => this.onData(chunk));
    req.once('end', () => this.finish());
    req.once('error', () => this.abort());
    req.once('aborted', () => this.abort());
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.done = true;
      this.chunks.length = 0;
      this.req.pause();
      this.target.onBodyTooLarge(this.limit);
      return;
    }
    this.chunks.push(chunk);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.target.onBodyCollected(
      this.chunks.length === 1
        ? (this.chunks[0] as Buffer)
        : Buffer.concat(this.chunks, this.bytes),
    );
  }

  private abort(): void {
    if (this.done) return;
    this.done = true;
    this.target.onBodyFailed();
  }
}
