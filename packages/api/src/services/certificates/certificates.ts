import type { Certificate, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { sealSecret } from '../../crypto/seal';
import { sealedFingerprint } from '../../crypto/sealed-fingerprint';
import { conflict, PorticoError } from '../shared/domain-errors';
import { pickColumns } from '../shared/pick-columns';
import { validateCertificatePair } from './certificate-pem';

/**
 * A certificate as callers see it: never its private key. `keyFingerprint` (a digest of the
 * sealed key) changes on rotation and matches the one in published versions.
 */
export interface CertificateView {
  id: string;
  name: string;
  hosts: string[];
  certPem: string;
  notAfter: Date;
  keyFingerprint: string;
  createdAt: Date;
  updatedAt: Date;
}

function toView(row: Certificate): CertificateView {
  return {
    ...pickColumns(row, ['id', 'name', 'hosts', 'certPem', 'notAfter', 'createdAt', 'updatedAt']),
    keyFingerprint: sealedFingerprint(row.keySealed),
  };
}

function noSuchCertificate(name: string): PorticoError {
  return new PorticoError('CTL_NOT_FOUND', `name: no certificate named ${name}`);
}

export async function listCertificates(tx: Prisma.TransactionClient): Promise<CertificateView[]> {
  const rows = await tx.certificate.findMany({ orderBy: { name: 'asc' } });
  return rows.map(toView);
}

export interface CreateCertificateInput {
  name: string;
  hosts: string[];
  certPem: string;
  keyPem: string;
}

/** Validates the pair before anything is written; the key is stored sealed only. */
export async function createCertificate(
  tx: Prisma.TransactionClient,
  secretKey: Buffer,
  input: CreateCertificateInput,
  now: Date,
): Promise<CertificateView> {
  const parsed = validateCertificatePair(input, now);
  const taken = await tx.certificate.findUnique({
    where: { name: input.name },
    select: { id: true },
  });
  if (taken) throw conflict(`name: a certificate named ${input.name} already exists`);
  const row = await tx.certificate.create({
    data: {
      id: newId('certificate', now.getTime()),
      name: input.name,
      hosts: [...new Set(input.hosts)],
      certPem: input.certPem,
      keySealed: sealSecret(secretKey, input.keyPem),
      notAfter: parsed.notAfter,
    },
  });
  return toView(row);
}

export interface UpdateCertificateInput {
  name: string;
  hosts?: string[] | undefined;
  certPem?: string | undefined;
  keyPem?: string | undefined;
}

/**
 * Rotation (a new certificate and key together) and/or new hosts. The result is validated as a
 * whole (new hosts against the kept certificate, too). Gateways serve it after the next publish.
 */
export async function updateCertificate(
  tx: Prisma.TransactionClient,
  secretKey: Buffer,
  input: UpdateCertificateInput,
  now: Date,
): Promise<{ before: CertificateView; after: CertificateView }> {
  const current = await tx.certificate.findUnique({ where: { name: input.name } });
  if (!current) throw noSuchCertificate(input.name);
  const hosts = input.hosts ?? current.hosts;
  const certPem = input.certPem ?? current.certPem;
  const parsed = validateCertificatePair({ hosts, certPem, keyPem: input.keyPem }, now);
  const row = await tx.certificate.update({
    where: { id: current.id },
    data: {
      hosts: [...new Set(hosts)],
      certPem,
      notAfter: parsed.notAfter,
      ...(input.keyPem === undefined ? {} : { keySealed: sealSecret(secretKey, input.keyPem) }),
    },
  });
  return { before: toView(current), after: toView(row) };
}

/** Gateways stop serving it with the next publish. */
export async function deleteCertificate(
  tx: Prisma.TransactionClient,
  name: string,
): Promise<CertificateView> {
  const current = await tx.certificate.findUnique({ where: { name } });
  if (!current) throw noSuchCertificate(name);
  const row = await tx.certificate.delete({ where: { id: current.id } });
  return toView(row);
}
