import { listCertificates } from '../../services/certificates/certificates';
import { operatorProcedure } from '../../trpc';

/** Certificates with hosts and expiry; private keys are never returned. */
export const listCertificatesProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  listCertificates(ctx.db),
);
