import type { ConsumerCredential, CredentialKind, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { logCredentialChange } from '../../sync/credential-log';
import type { StreamedCredentialRow } from '../../sync/credential-secrets';
import { loadConsumer } from '../consumers/consumers';
import { ACCESS_VIEW_COLUMNS, type AccessView, toAccessView } from '../shared/access-status';
import { PorticoError } from '../shared/domain-errors';
import { CONSUMER_OWNER_INCLUDE, reachableRow } from '../shared/owner-scope';
import { IDENTIFIER_LABELS, type PrepareContext, prepareCredential } from './credential-kinds';
import type { CredentialSpec } from './credential-specs';

/**
 * A credential as people see it: never its secret, hash or sealed material. `identifier` is the
 * basic username, the hmac/ed25519 keyid, or the mtls fingerprint or subject; `publicKey` the
 * ed25519 public key or the uploaded mtls certificate (both public).
 */
const CREDENTIAL_VIEW_COLUMNS = [
  ...ACCESS_VIEW_COLUMNS,
  'kind',
  'identifier',
  'matchBy',
  'publicKey',
] as const satisfies readonly (keyof ConsumerCredential)[];

export type CredentialView = AccessView<
  ConsumerCredential,
  (typeof CREDENTIAL_VIEW_COLUMNS)[number]
>;

export function toCredentialView(row: ConsumerCredential, now: Date): CredentialView {
  return toAccessView(row, CREDENTIAL_VIEW_COLUMNS, now);
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

/** What a new credential row is written with: the streamed columns (but the id) and its name. */
export type CredentialColumns = Omit<StreamedCredentialRow, 'id'> &
  Pick<ConsumerCredential, 'name'>;

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

/** A credential the caller may reach; NOT_FOUND otherwise. */
async function loadCredential(tx: Prisma.TransactionClient, id: string, scope: string | null) {
  const found = await tx.consumerCredential.findUnique({
    where: { id },
    include: CONSUMER_OWNER_INCLUDE,
  });
  return reachableRow(found, { ownerScope: scope, what: 'credential', id });
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
