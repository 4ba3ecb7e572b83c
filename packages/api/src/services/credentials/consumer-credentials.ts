import type { ConsumerCredential, CredentialKind, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { logCredentialChange } from '../../sync/credential-log';
import { loadConsumer } from '../consumers/consumers';
import { notFound, PorticoError } from '../shared/domain-errors';
import { IDENTIFIER_LABELS, type PrepareContext, prepareCredential } from './credential-kinds';
import type { CredentialSpec } from './credential-specs';

/** A credential as people see it: never its secret, hash or sealed material. */
export interface CredentialView {
  id: string;
  consumerId: string;
  kind: CredentialKind;
  name: string;
  /** basic: username; hmac/ed25519: keyid; mtls: fingerprint or subject. */
  identifier: string;
  matchBy: string | null;
  /** ed25519: the public key; mtls: the uploaded certificate (both public). */
  publicKey: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  status: 'active' | 'expired' | 'revoked';
}

export function toCredentialView(row: ConsumerCredential, now: Date): CredentialView {
  const status = row.revokedAt
    ? 'revoked'
    : row.expiresAt && row.expiresAt <= now
      ? 'expired'
      : 'active';
  return {
    id: row.id,
    consumerId: row.consumerId,
    kind: row.kind,
    name: row.name,
    identifier: row.identifier,
    matchBy: row.matchBy,
    publicKey: row.publicKey,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
    status,
  };
}

/** The credentials of one consumer (or all reachable ones), newest first. */
export async function listCredentials(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  filter: { consumerId?: string | undefined; kind?: CredentialKind | undefined },
  now: Date,
): Promise<CredentialView[]> {
  const rows = await tx.consumerCredential.findMany({
    where: {
      consumerId: filter.consumerId,
      kind: filter.kind,
      consumer: ownerScope === null ? undefined : { ownerId: ownerScope },
    },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((row) => toCredentialView(row, now));
}

export interface IssuedCredential {
  credential: CredentialView;
  /** Generated secret material (a password, an hmac secret): returned by this call only. */
  secret: string | null;
}

export interface CreateCredentialInput {
  consumerId: string;
  name: string;
  expiresInSeconds?: number | undefined;
  spec: CredentialSpec;
}

/**
 * Creates a credential for a consumer the caller may reach and logs it to the gateways' stream.
 * An identifier already used by another credential of the same kind is a CONFLICT: gateways
 * find credentials by (kind, identifier), so it must name one consumer.
 */
export async function createCredential(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  input: CreateCredentialInput,
  deps: PrepareContext & { now: Date },
): Promise<IssuedCredential> {
  const consumer = await loadConsumer(tx, input.consumerId, ownerScope);
  const prepared = await prepareCredential(input.spec, deps);
  const { secret, ...columns } = prepared;
  const row = await insertCredential(
    tx,
    {
      consumerId: consumer.id,
      kind: input.spec.kind,
      name: input.name,
      expiresAt:
        input.expiresInSeconds === undefined
          ? null
          : new Date(deps.now.getTime() + input.expiresInSeconds * 1000),
      ...columns,
    },
    deps.now,
  );
  return { credential: toCredentialView(row, deps.now), secret };
}

export type CredentialColumns = Pick<
  ConsumerCredential,
  | 'consumerId'
  | 'kind'
  | 'name'
  | 'identifier'
  | 'secretHash'
  | 'secretSealed'
  | 'publicKey'
  | 'matchBy'
  | 'expiresAt'
>;

/**
 * insertCredential's refusal of an identifier a live credential holds. The message never names
 * the holder (a developer must not learn other consumers' names); `holderConsumerName` is for
 * operator-facing callers.
 */
export class CredentialIdentifierTakenError extends PorticoError {
  constructor(
    readonly kind: CredentialKind,
    readonly identifier: string,
    readonly holderConsumerName: string,
  ) {
    super(
      'CTL_CONFLICT',
      `spec.${IDENTIFIER_LABELS[kind]}: a ${kind} credential with ${IDENTIFIER_LABELS[kind]} "${identifier}" already exists; choose another`,
    );
  }
}

/** Inserts a credential row (after checking its identifier is free) and logs it. */
export async function insertCredential(
  tx: Prisma.TransactionClient,
  columns: CredentialColumns,
  now: Date,
): Promise<ConsumerCredential> {
  const taken = await tx.consumerCredential.findUnique({
    where: { kind_identifier: { kind: columns.kind, identifier: columns.identifier } },
    select: { id: true, revokedAt: true, expiresAt: true, consumer: { select: { name: true } } },
  });
  if (taken !== null) {
    const live = taken.revokedAt === null && (taken.expiresAt === null || taken.expiresAt > now);
    if (live)
      throw new CredentialIdentifierTakenError(
        columns.kind,
        columns.identifier,
        taken.consumer.name,
      );
    // A revoked or expired credential keeps its row (for the record) until its name is reused.
    await tx.consumerCredential.delete({ where: { id: taken.id } });
  }
  const row = await tx.consumerCredential.create({
    data: { id: newId('credential'), ...columns },
  });
  await logCredentialChange(tx, row.id);
  return row;
}

/** The stored material and label of a credential, which its kind and identifier keep. */
export type CredentialMaterial = Pick<
  ConsumerCredential,
  'name' | 'secretHash' | 'secretSealed' | 'publicKey' | 'matchBy'
>;

/**
 * Replaces a live credential's material and label in place (a new password hash, a rotated
 * sealed secret) and logs it, so gateways swap it without the identifier going away meanwhile.
 */
export async function updateCredentialMaterial(
  tx: Prisma.TransactionClient,
  id: string,
  material: CredentialMaterial,
): Promise<ConsumerCredential> {
  const row = await tx.consumerCredential.update({ where: { id }, data: material });
  await logCredentialChange(tx, id);
  return row;
}

async function loadCredential(
  tx: Prisma.TransactionClient,
  id: string,
  ownerScope: string | null,
): Promise<ConsumerCredential> {
  const found = await tx.consumerCredential.findUnique({
    where: { id },
    include: { consumer: { select: { ownerId: true } } },
  });
  if (!found || (ownerScope !== null && found.consumer.ownerId !== ownerScope))
    throw notFound('credential', id);
  const { consumer: _consumer, ...row } = found;
  return row;
}

/** Revokes a credential at once; gateways drop it within a second. Revoking twice changes nothing. */
export async function revokeCredential(
  tx: Prisma.TransactionClient,
  ownerScope: string | null,
  id: string,
  now: Date,
): Promise<{ before: CredentialView; after: CredentialView; changed: boolean }> {
  const row = await loadCredential(tx, id, ownerScope);
  const before = toCredentialView(row, now);
  if (row.revokedAt) return { before, after: before, changed: false };
  const updated = await tx.consumerCredential.update({ where: { id }, data: { revokedAt: now } });
  await logCredentialChange(tx, id);
  return { before, after: toCredentialView(updated, now), changed: true };
}
