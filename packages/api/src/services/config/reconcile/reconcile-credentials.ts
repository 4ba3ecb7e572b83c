import { type DeclarativeCredential, declarativeCredentialIdentity } from '@portico/config';
import { hashPassword, isPasswordHash, verifyPassword } from '@portico/keys';
import { openSealed, sealSecret } from '../../../crypto/seal';
import {
  CredentialIdentifierTakenError,
  insertCredential,
  revokeCredential,
  updateCredentialMaterial,
} from '../../credentials/consumer-credentials';
import { prepareEd25519 } from '../../credentials/signing-credential-kinds';
import { badRequest } from '../../shared/domain-errors';
import { credentialViewOf } from '../declarative-credential-view';
import type { StoredCredential } from '../declarative-state';
import { asFileEntity, mustGet, type Run } from './reconcile-run';

const sameSlot = (
  a: { kind: string; identifier: string },
  b: { kind: string; identifier: string },
) => a.kind === b.kind && a.identifier === b.identifier;

const identityOf = declarativeCredentialIdentity;

/** The field of a listed credential that names it, for messages. */
function identityField(credential: DeclarativeCredential): string {
  if (credential.kind === 'basic') return 'username';
  if (credential.kind === 'ed25519' || credential.kind === 'hmac') return 'keyid';
  return credential.fingerprint !== undefined ? 'fingerprint' : 'subject';
}

interface WantedColumns {
  secretHash: string | null;
  secretSealed: string | null;
  publicKey: string | null;
  matchBy: string | null;
}

/** The columns a listed credential stores, reusing what `row` holds where it still matches. */
async function wantedColumns(
  run: Run,
  credential: DeclarativeCredential,
  row: StoredCredential | null,
  where: string,
): Promise<WantedColumns> {
  switch (credential.kind) {
    case 'basic':
      return {
        secretHash: await wantedHash(credential, row?.secretHash ?? null, where),
        secretSealed: null,
        publicKey: null,
        matchBy: null,
      };
    case 'ed25519': {
      const prepared = await prepareEd25519(
        { kind: 'ed25519', keyid: credential.keyid, publicKey: credential.publicKey },
        undefined,
        `${where}.publicKey`,
      );
      return { secretHash: null, secretSealed: null, publicKey: prepared.publicKey, matchBy: null };
    }
    case 'mtls':
      // A certificate registered in the console stays; the file names the fingerprint or subject.
      return {
        secretHash: null,
        secretSealed: null,
        publicKey: row?.publicKey ?? null,
        matchBy: credential.fingerprint !== undefined ? 'fingerprint' : 'subject',
      };
    case 'hmac':
      return {
        secretHash: null,
        secretSealed: wantedSealedSecret(run, credential, row?.secretSealed ?? null, where),
        publicKey: null,
        matchBy: null,
      };
    default:
      return credential satisfies never;
  }
}

/**
 * The sealed secret of a listed hmac credential: what is stored when the file gives none or the
 * same one (sealing again would write a new value for nothing), else the file's, sealed.
 */
function wantedSealedSecret(
  run: Run,
  credential: Extract<DeclarativeCredential, { kind: 'hmac' }>,
  stored: string | null,
  where: string,
): string {
  if (credential.secretEnv !== undefined)
    throw badRequest(
      `${where}.secretEnv: the CLI reads secretEnv and sends the secret; apply the file with \`portico apply\``,
    );
  if (credential.secret === undefined) {
    if (stored !== null) return stored;
    throw badRequest(
      `${where}.secretEnv: a new hmac credential needs its secret; name the environment variable holding it (base64, e.g. openssl rand -base64 32)`,
    );
  }
  if (stored !== null) {
    try {
      if (openSealed(run.ctx.secretKey, stored) === credential.secret) return stored;
    } catch {
      // Sealed under another key or unreadable: the file's secret replaces it.
    }
  }
  return sealSecret(run.ctx.secretKey, credential.secret);
}

/**
 * Consumers that list `credentials:` get exactly those, of the kinds the file can express:
 * unlisted ones are revoked first (so a username may move between consumers in one apply),
 * then listed ones are created or updated. Nothing is rewritten when the file matches.
 */
export async function reconcileCredentials(run: Run): Promise<void> {
  const listedConsumers = run.doc.consumers.flatMap((consumer, index) =>
    consumer.credentials === undefined ? [] : [{ consumer, index, listed: consumer.credentials }],
  );
  for (const { consumer, index, listed } of listedConsumers) {
    const stored = run.state.consumers.get(consumer.name)?.credentials ?? [];
    for (const row of stored) {
      if (credentialViewOf(row) === null) continue;
      if (listed.some((c) => sameSlot(identityOf(c), row))) continue;
      await asFileEntity(`consumers.${index}.credentials`, () =>
        revokeCredential(run.tx, null, row.id, run.now),
      );
      run.consumerChanged.add(consumer.name);
    }
  }
  for (const { consumer, index, listed } of listedConsumers) {
    const consumerId = mustGet(run.ids.consumers, consumer.name, 'consumer');
    const stored = run.state.consumers.get(consumer.name)?.credentials ?? [];
    for (const [position, credential] of listed.entries()) {
      const where = `consumers.${index}.credentials.${position}`;
      const match = stored.find((row) => sameSlot(identityOf(credential), row));
      const changed = match
        ? await updateListed(run, match, credential, where)
        : await createListed(run, consumerId, credential, where);
      if (changed) run.consumerChanged.add(consumer.name);
    }
  }
  for (const name of run.consumerChanged) {
    if (!run.changes.some((c) => c.kind === 'consumer' && c.name === name))
      run.changes.push({ kind: 'consumer', name, action: 'update' });
  }
}

/** The hash to store for a listed basic credential, reusing `current` when its password matches. */
async function wantedHash(
  credential: Extract<DeclarativeCredential, { kind: 'basic' }>,
  current: string | null,
  where: string,
): Promise<string> {
  if (credential.passwordHash !== undefined) {
    if (!isPasswordHash(credential.passwordHash))
      throw badRequest(
        `${where}.passwordHash: the scrypt parameters are out of bounds (ln 10–20, r ≤ 16, p ≤ 4, 32-byte hash)`,
      );
    return credential.passwordHash;
  }
  if (credential.password === undefined)
    throw badRequest(
      `${where}.passwordEnv: the CLI reads passwordEnv and sends the password; apply the file with \`portico apply\``,
    );
  if (current !== null && (await verifyPassword(current, credential.password))) return current;
  return hashPassword(credential.password);
}

async function updateListed(
  run: Run,
  row: StoredCredential,
  credential: DeclarativeCredential,
  where: string,
): Promise<boolean> {
  const wanted = await wantedColumns(run, credential, row, where);
  if (
    wanted.secretHash === row.secretHash &&
    wanted.secretSealed === row.secretSealed &&
    wanted.publicKey === row.publicKey &&
    wanted.matchBy === row.matchBy &&
    credential.name === row.name
  )
    return false;
  await asFileEntity(where, () =>
    updateCredentialMaterial(run.tx, row.id, { ...wanted, name: credential.name }),
  );
  return true;
}

async function createListed(
  run: Run,
  consumerId: string,
  credential: DeclarativeCredential,
  where: string,
): Promise<boolean> {
  const { kind, identifier } = identityOf(credential);
  const wanted = await wantedColumns(run, credential, null, where);
  try {
    await insertCredential(
      run.tx,
      { consumerId, kind, name: credential.name, identifier, expiresAt: null, ...wanted },
      run.now,
    );
  } catch (error) {
    if (error instanceof CredentialIdentifierTakenError)
      throw badRequest(
        `${where}.${identityField(credential)}: ${identifier} already belongs to consumer ${error.holderConsumerName}; a ${kind} credential names one consumer`,
      );
    throw error;
  }
  return true;
}
