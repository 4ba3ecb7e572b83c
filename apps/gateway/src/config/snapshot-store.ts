import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ZCredentialSet } from '@portico/config';
import { z } from 'zod';

export interface SavedState {
  /** The published config exactly as the control plane sent it (re-validated on load). */
  published: unknown;
  credentials: { seq: number; set: unknown };
}

const ZEnvelope = z.object({
  format: z.literal(1),
  savedAt: z.string(),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  payload: z.string(),
});

const ZSavedState = z.object({
  published: z.unknown(),
  credentials: z.object({ seq: z.number().int().min(0), set: ZCredentialSet }),
});

export interface SnapshotStoreLog {
  warn(message: string): void;
}

const FILE_NAME = 'last-known-good.json';

/**
 * The last-known-good state on disk. Writes are atomic (temp file, fsync, rename, fsync of the
 * folder) and checksummed, so a crash mid-write leaves the previous file intact and a damaged
 * file is recognised and discarded instead of being half-trusted.
 */
export class SnapshotStore {
  private writing: Promise<void> | null = null;
  private pending: SavedState | null = null;

  constructor(
    private readonly dir: string,
    private readonly log: SnapshotStoreLog,
  ) {}

  get filePath(): string {
    return join(this.dir, FILE_NAME);
  }

  /** Reads the saved state; null when absent or damaged (a damaged file is removed, with a log line). */
  async load(): Promise<{
    published: unknown;
    credentials: { seq: number; set: z.infer<typeof ZCredentialSet> };
  } | null> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      this.log.warn(
        `last-known-good snapshot unreadable (${(error as Error).message}); starting without it`,
      );
      return null;
    }
    const problem = (() => {
      let envelope: z.infer<typeof ZEnvelope>;
      try {
        envelope = ZEnvelope.parse(JSON.parse(text));
      } catch {
        return { reason: 'not a snapshot envelope', state: undefined };
      }
      if (sha256(envelope.payload) !== envelope.checksum)
        return { reason: 'checksum mismatch', state: undefined };
      const state = ZSavedState.safeParse(safeJson(envelope.payload));
      if (!state.success)
        return { reason: 'payload does not match the saved-state schema', state: undefined };
      return { reason: null, state: state.data };
    })();
    if (problem.state !== undefined) return problem.state;
    this.log.warn(
      `discarding corrupt last-known-good snapshot ${this.filePath}: ${problem.reason}`,
    );
    await unlink(this.filePath).catch(() => undefined);
    return null;
  }

  /** Saves `state`; calls made while a write runs coalesce into one more write of the newest state. */
  save(state: SavedState): Promise<void> {
    this.pending = state;
    if (this.writing) return this.writing;
    this.writing = (async () => {
      try {
        while (this.pending) {
          const next = this.pending;
          this.pending = null;
          await this.writeAtomically(next);
        }
      } finally {
        this.writing = null;
      }
    })();
    return this.writing;
  }

  private async writeAtomically(state: SavedState): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const payload = JSON.stringify(state);
    const envelope = JSON.stringify({
      format: 1,
      savedAt: new Date().toISOString(),
      checksum: sha256(payload),
      payload,
    });
    const tmp = join(
      this.dir,
      `.${FILE_NAME}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(envelope);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.filePath);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    // fsync the folder so the rename itself survives a power cut.
    const dirHandle = await open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
