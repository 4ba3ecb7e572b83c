import { Transform, type TransformCallback } from 'node:stream';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** True when an upstream attempt failed because the streamed body passed the API's limit. */
export function isBodyTooLarge(error: Error): boolean {
  return (
    error instanceof BodyTooLargeError ||
    (error as { cause?: unknown }).cause instanceof BodyTooLargeError
  );
}

/** Counts a chunked body as it streams and stops it at the API's limit, without buffering. */
export class BodyLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) callback(new BodyTooLargeError(this.limit));
    else callback(null, chunk);
  }
}
