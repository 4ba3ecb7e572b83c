import { auditedChange } from '../../audit/audited-write';
import { updateCertificate } from '../../services/certificates/certificates';
import { operatorProcedure } from '../../trpc';
import { ZUpdateCertificateInput } from './update-certificate.types';

/** Rotates a certificate (and/or its hosts); gateways serve the new one after the next publish. */
export const updateCertificateProcedure = operatorProcedure('admin')
  .input(ZUpdateCertificateInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'certificate.update', targetType: 'certificate' }, (tx) =>
      updateCertificate(tx, ctx.secretKey, input, ctx.now()),
    ),
  );
