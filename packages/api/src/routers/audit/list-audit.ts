import { listAudit } from '../../services/audit/audit-log';
import { operatorProcedure } from '../../trpc';
import { ZListAuditInput } from './list-audit.types';

export const listAuditProcedure = operatorProcedure('viewer')
  .input(ZListAuditInput)
  .query(({ ctx, input }) => listAudit(ctx.db, input));
