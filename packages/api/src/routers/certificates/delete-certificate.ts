import { auditedDelete } from '../../audit/audited-write';
import { deleteCertificate } from '../../services/certificates/certificates';
import { operatorProcedure } from '../../trpc';
import { ZDeleteCertificateInput } from './delete-certificate.types';

export const deleteCertificateProcedure = operatorProcedure('admin')
  .input(ZDeleteCertificateInput)
  .mutation(async ({ ctx, input }) => {
    const before = await auditedDelete(ctx, 'certificate', (tx) =>
      deleteCertificate(tx, input.name),
    );
    return { id: before.id, name: before.name };
  });
