import type { MachineToken, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { generateSecret } from '@portico/keys';
import { badRequest, notFound } from '../shared/domain-errors';
import { pickColumns } from '../shared/pick-columns';

export const MACHINE_TOKEN_SCOPES = ['register', 'read'] as const;
export type MachineTokenScope = (typeof MACHINE_TOKEN_SCOPES)[number];

export interface MachineTokenView {
  id: string;
  kind: 'dataplane' | 'registry';
  name: string;
  scopes: string[];
  start: string;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export function toMachineTokenView(t: MachineToken): MachineTokenView {
  return pickColumns(t, [
    'id',
    'kind',
    'name',
    'scopes',
    'start',
    'createdBy',
    'lastUsedAt',
    'revokedAt',
    'createdAt',
  ]);
}

export async function listMachineTokens(tx: Prisma.TransactionClient): Promise<MachineTokenView[]> {
  const tokens = await tx.machineToken.findMany({ orderBy: { createdAt: 'desc' } });
  return tokens.map(toMachineTokenView);
}

export interface NewMachineToken {
  kind: 'dataplane' | 'registry';
  name: string;
  scopes?: MachineTokenScope[] | undefined;
}

/**
 * Data-plane tokens (`pdp_`) carry no scopes; registry tokens (`prg_`) default to both
 * `register` and `read`. The clear token is returned once.
 */
export async function createMachineToken(
  tx: Prisma.TransactionClient,
  createdBy: string,
  input: NewMachineToken,
  now: Date,
): Promise<{ token: string; record: MachineTokenView }> {
  if (input.kind === 'dataplane' && input.scopes && input.scopes.length > 0) {
    throw badRequest('scopes: only registry tokens carry scopes');
  }
  const scopes =
    input.kind === 'registry' ? [...new Set(input.scopes ?? MACHINE_TOKEN_SCOPES)] : [];
  if (input.kind === 'registry' && scopes.length === 0)
    throw badRequest('scopes: a registry token needs register, read or both');
  const secret = generateSecret(input.kind === 'dataplane' ? 'dataPlaneToken' : 'registryToken');
  const record = await tx.machineToken.create({
    data: {
      id: newId('token', now.getTime()),
      kind: input.kind,
      name: input.name,
      scopes,
      hash: secret.hash,
      start: secret.start,
      createdBy,
    },
  });
  return { token: secret.clear, record: toMachineTokenView(record) };
}

export async function revokeMachineToken(
  tx: Prisma.TransactionClient,
  id: string,
  now: Date,
): Promise<{ before: MachineTokenView; after: MachineTokenView }> {
  const token = await tx.machineToken.findUnique({ where: { id } });
  if (!token) throw notFound('machine token', id);
  const updated = await tx.machineToken.update({
    where: { id },
    data: { revokedAt: token.revokedAt ?? now },
  });
  return { before: toMachineTokenView(token), after: toMachineTokenView(updated) };
}
