import {
  type ConfigSnapshot,
  type CredentialChange,
  type CredentialSet,
  type PublishedConfig,
  type SyncQuery,
  type SyncResponse,
  ZConfigSnapshot,
  ZCredentialChange,
} from '@portico/config';
import type { Db, Prisma } from '@portico/db';
import { openSealed } from '../crypto/seal';
import { jwtSecretRefOf } from '../services/secrets/secret-refs';
import {
  credentialForLog,
  openCredentialForGateway,
  STREAMED_CREDENTIAL_COLUMNS,
} from './credential-secrets';

/** Beyond this many changes a full set is smaller and cheaper to apply than the delta. */
export const MAX_DELTA_CHANGES = 5_000;

export interface SyncAnswerDeps {
  db: Db;
  /** Opens RegistryConnection.credentialsSealed (AES-256-GCM, see crypto/seal.ts). */
  secretKey: Buffer;
  /** Told about registry credentials that cannot be opened (wrong key); they are left out. */
  onSecretError?: (registryId: string, error: unknown) => void;
  /** Told about jwt secrets that cannot be opened (wrong key); they are left out. */
  onJwtSecretError?: (name: string, error: unknown) => void;
  /** Told about hmac credential secrets that cannot be opened (wrong key); they are left out. */
  onCredentialSecretError?: (credentialId: string, error: unknown) => void;
  /** Told about certificate keys that cannot be opened (wrong key); they are left out. */
  onTlsKeyError?: (certificateId: string, error: unknown) => void;
  /** Keeps the latest parsed snapshot, so a publish woken by many gateways is read and parsed once. */
  snapshotCache?: PublishedSnapshotCache;
}

/** Holds one published snapshot by number; versions are immutable, so it never goes stale. */
export class PublishedSnapshotCache {
  private entry: { number: number; snapshot: ConfigSnapshot } | null = null;

  get(number: number): ConfigSnapshot | null {
    return this.entry?.number === number ? this.entry.snapshot : null;
  }

  set(number: number, snapshot: ConfigSnapshot): void {
    if (this.entry === null || number >= this.entry.number) this.entry = { number, snapshot };
  }
}

/**
 * What a gateway at `query` (version, hash, seq) needs now, or null when it is up to date.
 * Config comes whole (snapshot + secrets) when the latest version differs from the gateway's;
 * credentials come as the changes since its seq, or as a full set when it has none, is ahead of
 * this database, or is further behind than the retained log.
 */
export async function computeSyncAnswer(
  deps: SyncAnswerDeps,
  query: SyncQuery,
): Promise<SyncResponse | null> {
  const { db } = deps;
  const [latest, bounds] = await Promise.all([
    db.configVersion.findFirst({
      orderBy: { number: 'desc' },
      select: { number: true, hash: true },
    }),
    db.credentialChange.aggregate({ _max: { seq: true }, _min: { seq: true } }),
  ]);
  const seqNow = Number(bounds._max.seq ?? 0n);
  const oldestRetained = bounds._min.seq === null ? null : Number(bounds._min.seq);
  const configChanged =
    latest !== null &&
    (latest.number !== query.version || (query.hash !== undefined && query.hash !== latest.hash));
  const credentialsChanged = seqNow !== query.seq;
  if (!configChanged && !credentialsChanged) return null;

  const config = configChanged && latest ? await loadPublishedConfig(deps, latest.number) : null;
  let credentials: SyncResponse['credentials'];
  const needsFull =
    query.seq === 0 ||
    query.seq > seqNow ||
    (oldestRetained !== null && query.seq < oldestRetained - 1) ||
    seqNow - query.seq > MAX_DELTA_CHANGES;
  if (!credentialsChanged) {
    credentials = { mode: 'delta', seq: query.seq, changes: [] };
  } else if (needsFull) {
    credentials = { mode: 'full', ...(await loadCredentialSet(db, deps)) };
  } else {
    credentials = { mode: 'delta', ...(await loadChangesSince(db, query.seq, deps)) };
  }
  return { config, credentials };
}

/** A published version with the secrets its registries need, as gateways receive it. */
export async function loadPublishedConfig(
  deps: SyncAnswerDeps,
  number: number,
): Promise<PublishedConfig | null> {
  const cached = deps.snapshotCache?.get(number) ?? null;
  const row = await deps.db.configVersion.findUnique({
    where: { number },
    select: { number: true, hash: true, createdAt: true, snapshot: cached === null },
  });
  if (!row) return null;
  // Stored snapshots were validated at publish; parsing again refuses a row edited by hand
  // rather than shipping it to every gateway.
  const snapshot: ConfigSnapshot = cached ?? ZConfigSnapshot.parse(row.snapshot);
  if (cached === null) deps.snapshotCache?.set(number, snapshot);
  return {
    version: row.number,
    hash: row.hash,
    publishedAt: row.createdAt.toISOString(),
    snapshot,
    secrets: {
      registries: await loadRegistrySecrets(deps, snapshot),
      jwtSecrets: await loadJwtSecrets(deps, snapshot),
      tlsKeys: await loadTlsKeys(deps, snapshot),
    },
  };
}

async function loadRegistrySecrets(
  deps: SyncAnswerDeps,
  snapshot: ConfigSnapshot,
): Promise<Record<string, Record<string, string>>> {
  const ids = snapshot.registries.filter((r) => r.hasCredentials).map((r) => r.id);
  if (ids.length === 0) return {};
  const rows = await deps.db.registryConnection.findMany({
    where: { id: { in: ids }, credentialsSealed: { not: null } },
    select: { id: true, credentialsSealed: true },
  });
  return openSealedEntries(
    deps.secretKey,
    rows.map((row) => ({ key: row.id, sealed: row.credentialsSealed })),
    { read: stringFields, onError: deps.onSecretError },
  );
}

/** The string fields of a JSON object (registry credentials); undefined for anything else. */
function stringFields(json: string): Record<string, string> | undefined {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

interface OpenOptions<T> {
  /** Reads an opened value; undefined leaves the entry out. */
  read: (clear: string) => T | undefined;
  /** Told about an entry that cannot be opened or read (wrong key); it is left out. */
  onError: ((key: string, error: unknown) => void) | undefined;
}

/** Opens sealed values into a record by key; one that cannot be opened is left out and reported. */
function openSealedEntries<T>(
  secretKey: Buffer,
  entries: { key: string; sealed: string | null }[],
  { read, onError }: OpenOptions<T>,
): Record<string, T> {
  const opened: Record<string, T> = {};
  for (const { key, sealed } of entries) {
    if (sealed === null) continue;
    try {
      const value = read(openSealed(secretKey, sealed));
      if (value !== undefined) opened[key] = value;
    } catch (error) {
      onError?.(key, error);
    }
  }
  return opened;
}

const asIs = (clear: string): string => clear;

/**
 * The shared secrets the snapshot's jwt APIs reference, by name, opened with the same key as
 * registry credentials. The value sent is the one stored now: a rotation reaches gateways that
 * fetch this config after it, and all gateways with the next publish (the snapshot's
 * jwtSecretFingerprint changes, so the new version differs from the one they run).
 */
async function loadJwtSecrets(
  deps: SyncAnswerDeps,
  snapshot: ConfigSnapshot,
): Promise<Record<string, string>> {
  const names = [
    ...new Set(
      snapshot.apis.flatMap((api) => {
        const ref = jwtSecretRefOf(api.auth);
        return ref === null ? [] : [ref];
      }),
    ),
  ];
  if (names.length === 0) return {};
  const rows = await deps.db.secret.findMany({
    where: { name: { in: names } },
    select: { name: true, valueSealed: true },
  });
  return openSealedEntries(
    deps.secretKey,
    rows.map((row) => ({ key: row.name, sealed: row.valueSealed })),
    { read: asIs, onError: deps.onJwtSecretError },
  );
}

/**
 * The private keys of the snapshot's certificates, by certificate id. As with jwt secrets, the
 * key sent is the one stored now; a rotation reaches every gateway with the next publish (the
 * snapshot's keyFingerprint changes). A certificate deleted since is simply absent: gateways
 * skip a certificate without its key.
 */
async function loadTlsKeys(
  deps: SyncAnswerDeps,
  snapshot: ConfigSnapshot,
): Promise<Record<string, string>> {
  const ids = (snapshot.certificates ?? []).map((c) => c.id);
  if (ids.length === 0) return {};
  const rows = await deps.db.certificate.findMany({
    where: { id: { in: ids } },
    select: { id: true, keySealed: true },
  });
  return openSealedEntries(
    deps.secretKey,
    rows.map((row) => ({ key: row.id, sealed: row.keySealed })),
    { read: asIs, onError: deps.onTlsKeyError },
  );
}

/**
 * Every live credential with the log position it corresponds to, read in one repeatable-read
 * snapshot: log appends share their mutation's transaction, so the set is exactly the state at
 * `seq`, and a delta from `seq` later misses nothing.
 */
export async function loadCredentialSet(
  db: Db,
  secrets: CredentialOpening = {},
): Promise<{ seq: number; set: CredentialSet }> {
  return db.$transaction(
    async (tx) => {
      const bounds = await tx.credentialChange.aggregate({ _max: { seq: true } });
      const now = new Date();
      const consumers = await tx.consumer.findMany({
        select: { id: true, name: true, status: true },
        orderBy: { id: 'asc' },
      });
      const keys = await tx.apiKey.findMany({
        where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        select: { id: true, consumerId: true, hash: true, expiresAt: true },
        orderBy: { id: 'asc' },
      });
      const subscriptions = await tx.subscription.findMany({
        where: { status: 'active' },
        select: { id: true, consumerId: true, planId: true },
        orderBy: { id: 'asc' },
      });
      const credentialRows = await tx.consumerCredential.findMany({
        where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
        select: STREAMED_CREDENTIAL_COLUMNS,
        orderBy: { id: 'asc' },
      });
      return {
        seq: Number(bounds._max.seq ?? 0n),
        set: {
          consumers,
          keys: keys.map((k) => ({
            ...k,
            expiresAt: k.expiresAt ? k.expiresAt.toISOString() : null,
          })),
          subscriptions,
          credentials: credentialRows.flatMap((row) => {
            const open = openCredentialForGateway(
              credentialForLog(row),
              secrets.secretKey ?? null,
              secrets.onCredentialSecretError,
            );
            return open === null ? [] : [open];
          }),
        },
      };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

/** The log entries after `seq`, oldest first, in the contract's shape. */
export async function loadChangesSince(
  db: Pick<Prisma.TransactionClient, 'credentialChange'>,
  seq: number,
  secrets: CredentialOpening = {},
): Promise<{ seq: number; changes: CredentialChange[] }> {
  const rows = await db.credentialChange.findMany({
    where: { seq: { gt: BigInt(seq) } },
    orderBy: { seq: 'asc' },
    take: MAX_DELTA_CHANGES,
  });
  const changes = rows.map((row) => {
    const payload =
      row.payload !== null && typeof row.payload === 'object' && !Array.isArray(row.payload)
        ? row.payload
        : {};
    const change = ZCredentialChange.parse({ ...payload, seq: Number(row.seq) });
    if (change.type !== 'credential.upsert') return change;
    const credential = openCredentialForGateway(
      change.credential,
      secrets.secretKey ?? null,
      secrets.onCredentialSecretError,
    );
    // A secret that cannot be opened must not leave an older version of it in use.
    return credential === null
      ? { seq: change.seq, type: 'credential.delete' as const, id: change.credential.id }
      : { ...change, credential };
  });
  return { seq: changes.at(-1)?.seq ?? seq, changes };
}

/** What opening hmac secrets for a gateway needs (the sealing key); without it they are left out. */
export interface CredentialOpening {
  secretKey?: Buffer;
  onCredentialSecretError?: (credentialId: string, error: unknown) => void;
}
