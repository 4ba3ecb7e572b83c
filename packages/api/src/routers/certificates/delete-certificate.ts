import { recordAudit } from '../../audit/record-audit';
import { deleteCertificate } from '../../services/certificates/certificates';
import { operatorProcedure } from '../../trpc';
import { ZDeleteCertificateInput } from './delete-certificate.types';

export const deleteCertificateProcedure = operatorProcedure('admin')
  .input(ZDeleteCertificateInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const before = await deleteCertificate(tx, input.name);
      await recordAudit(tx, ctx, {
        action: 'certificate.delete',
        targetType: 'certificate',
        targetId: before.id,
        before,
      });
      return { id: before.id, name: before.name };
    }),
  );
