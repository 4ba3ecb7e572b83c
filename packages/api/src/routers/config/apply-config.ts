import { TRPCError } from '@trpc/server';
import {
  applyDeclarative,
  parseDeclarativeDocument,
} from '../../services/config/declarative-apply';
import { operatorProcedure } from '../../trpc';
import { MAX_DOCUMENT_BYTES, ZApplyConfigInput } from './apply-config.types';

/**
 * Reconciles the draft to the document and publishes when the result differs from the latest
 * version, in one transaction (audited as config.apply plus config.publish).
 */
export const applyConfigProcedure = operatorProcedure('editor')
  .input(ZApplyConfigInput)
  .mutation(({ ctx, input }) => {
    if (
      typeof input.document === 'string' &&
      Buffer.byteLength(input.document) > MAX_DOCUMENT_BYTES
    ) {
      throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: 'document: larger than 5 MB' });
    }
    const document = parseDeclarativeDocument(input.document);
    return applyDeclarative(ctx.db, ctx, {
      document,
      dryRun: input.dryRun,
      message: input.message,
    });
  });
