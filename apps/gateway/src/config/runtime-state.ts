import {
  type CredentialChange,
  type CredentialSet,
  type PublishedConfig,
  snapshotHash,
  ZPublishedConfig,
} from '@portico/config';
import { type CompileDeps, type CompiledConfig, compileConfig } from './compiled-config';
import { CredentialTable } from './credential-table';

/** What one request reads: the config and credentials current when it started. */
export interface Runtime {
  readonly config: CompiledConfig | null;
  readonly credentials: CredentialTable;
}

export type ApplyResult = { ok: true; changed: boolean } | { ok: false; reason: string };

/**
 * Holds the one reference the hot path reads. Every change validates and compiles first and
 * then swaps the reference, so a version is applied whole or not at all and in-flight requests
 * keep the objects they already hold.
 */
export class RuntimeState {
  private runtime: Runtime = { config: null, credentials: CredentialTable.empty() };
  /** Reason the last offered version was refused, reported to the control plane. */
  lastRefusal: string | null = null;
  /** The applied config exactly as received, so the disk copy re-hashes to the same value. */
  private rawPublished: unknown = null;

  constructor(private readonly compileDeps: Omit<CompileDeps, 'previous'>) {}

  get current(): Runtime {
    return this.runtime;
  }

  /** Validates (schema + hash), compiles and swaps in a published config received as raw JSON. */
  applyPublished(raw: unknown): ApplyResult {
    const parsed = ZPublishedConfig.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.refuse(
        `config failed validation at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const published = parsed.data;
    // The hash is over the snapshot exactly as sent, before schema defaults are filled in.
    const rawSnapshot = (raw as { snapshot?: unknown }).snapshot;
    const actualHash = snapshotHash(rawSnapshot);
    if (actualHash !== published.hash) {
      return this.refuse(
        `config version ${published.version}: hash mismatch (announced ${published.hash}, computed ${actualHash})`,
      );
    }
    const previous = this.runtime.config;
    if (previous && previous.version === published.version && previous.hash === published.hash) {
      return { ok: true, changed: false };
    }
    let compiled: CompiledConfig;
    try {
      compiled = compileConfig(published, { ...this.compileDeps, previous });
    } catch (error) {
      return this.refuse(`config version ${published.version}: ${(error as Error).message}`);
    }
    this.runtime = { config: compiled, credentials: this.runtime.credentials };
    this.rawPublished = raw;
    this.lastRefusal = null;
    return { ok: true, changed: true };
  }

  replaceCredentials(set: CredentialSet, seq: number): void {
    this.runtime = { config: this.runtime.config, credentials: CredentialTable.fromSet(set, seq) };
  }

  applyCredentialChanges(changes: readonly CredentialChange[], seq: number): boolean {
    const next = this.runtime.credentials.applyChanges(changes, seq);
    if (next === this.runtime.credentials) return false;
    this.runtime = { config: this.runtime.config, credentials: next };
    return true;
  }

  publishedConfig(): PublishedConfig | null {
    return this.runtime.config?.published ?? null;
  }

  rawPublishedConfig(): unknown {
    return this.rawPublished;
  }

  private refuse(reason: string): ApplyResult {
    this.lastRefusal = reason;
    return { ok: false, reason };
  }
}
