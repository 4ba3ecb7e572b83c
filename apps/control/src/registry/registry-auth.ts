import type { Db } from '@portico/db';
import { hashSecret } from '@portico/keys';

export type RegistryScope = 'register' | 'read';

export type TokenCheck =
  | { ok: true }
  | { ok: false; code: 'REG_UNAUTHORIZED' | 'REG_FORBIDDEN'; detail: string };

interface CachedToken {
  scopes: readonly string[] | null;
  cachedAt: number;
}

const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Checks registry bearer tokens (MachineToken rows of kind `registry`). Results are cached for
 * 30 s per token hash so heartbeats from thousands of instances do not each cost a Postgres
 * read; the price is that a revoked token keeps working for up to 30 s on each replica.
 * `lastUsedAt` is refreshed on those lookups, so it is accurate to about 30 s.
 */
export class RegistryTokenVerifier {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly db: Pick<Db, 'machineToken'>,
    private readonly now: () => number = Date.now,
  ) {}

  async check(authorization: string | undefined, scope: RegistryScope): Promise<TokenCheck> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (!token) {
      return {
        ok: false,
        code: 'REG_UNAUTHORIZED',
        detail: 'send a registry token as "Authorization: Bearer <token>"',
      };
    }
    const scopes = await this.scopesOf(hashSecret(token));
    if (scopes === null) {
      return {
        ok: false,
        code: 'REG_UNAUTHORIZED',
        detail: 'the registry token is unknown or revoked',
      };
    }
    if (!scopes.includes(scope)) {
      return {
        ok: false,
        code: 'REG_FORBIDDEN',
        detail: `the registry token lacks the "${scope}" scope`,
      };
    }
    return { ok: true };
  }

  private async scopesOf(hash: string): Promise<readonly string[] | null> {
    const cached = this.cache.get(hash);
    if (cached && this.now() - cached.cachedAt < CACHE_TTL_MS) return cached.scopes;
    let row: Awaited<ReturnType<typeof this.db.machineToken.findUnique>>;
    try {
      row = await this.db.machineToken.findUnique({ where: { hash } });
    } catch (error) {
      // Postgres down: keep accepting what we knew (stale-while-revalidate), so instances keep
      // heartbeating through a database outage; unknown tokens cannot be checked at all.
      if (cached) return cached.scopes;
      throw new TokenStoreUnavailable(error);
    }
    const scopes = row && row.revokedAt === null ? scopesOfKind(row.kind, row.scopes) : null;
    if (row && scopes) {
      // At most one write per token per cache period and replica, never one per heartbeat; a
      // failed touch must not fail the request it rides on.
      this.db.machineToken
        .update({ where: { id: row.id }, data: { lastUsedAt: new Date(this.now()) } })
        .catch(() => {});
    }
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(hash, { scopes, cachedAt: this.now() });
    return scopes;
  }
}

/**
 * Registry tokens carry their own scopes. A gateway's data-plane token may read: gateways
 * follow the built-in registry of the control plane they sync from with the token they
 * already hold, so a `builtin` registry needs no credentials of its own.
 */
function scopesOfKind(kind: string, scopes: readonly string[]): readonly string[] | null {
  if (kind === 'registry') return scopes;
  if (kind === 'dataplane') return ['read'];
  return null;
}

/** The token store (Postgres) could not be asked and nothing was cached for this token. */
export class TokenStoreUnavailable extends Error {
  constructor(cause: unknown) {
    super('the registry token store did not answer', { cause });
  }
}
