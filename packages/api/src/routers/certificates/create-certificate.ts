import { recordAudit } from '../../audit/record-audit';
import { createCertificate } from '../../services/certificates/certificates';
import { operatorProcedure } from '../../trpc';
import { ZCreateCertificateInput } from './create-certificate.types';

/** Gateways serve it on their TLS listener after the next publish. */
export const createCertificateProcedure = operatorProcedure('admin')
  .input(ZCreateCertificateInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const certificate = await createCertificate(tx, ctx.secretKey, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'certificate.create',
        targetType: 'certificate',
        targetId: certificate.id,
        after: certificate,
      });
      return certificate;
    }),
  );
