import { recordAudit } from '../../audit/record-audit';
import { updateCertificate } from '../../services/certificates/certificates';
import { operatorProcedure } from '../../trpc';
import { ZUpdateCertificateInput } from './update-certificate.types';

/** Rotates a certificate (and/or its hosts); gateways serve the new one after the next publish. */
export const updateCertificateProcedure = operatorProcedure('admin')
  .input(ZUpdateCertificateInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updateCertificate(tx, ctx.secretKey, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'certificate.update',
        targetType: 'certificate',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
