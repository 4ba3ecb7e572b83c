import { auditedCreate } from '../../audit/audited-write';
import { createCertificate } from '../../services/certificates/certificates';
import { operatorProcedure } from '../../trpc';
import { ZCreateCertificateInput } from './create-certificate.types';

/** Gateways serve it on their TLS listener after the next publish. */
export const createCertificateProcedure = operatorProcedure('admin')
  .input(ZCreateCertificateInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'certificate.create', targetType: 'certificate' }, (tx) =>
      createCertificate(tx, ctx.secretKey, input, ctx.now()),
    ),
  );
