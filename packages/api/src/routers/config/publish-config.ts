import { publishDraft } from '../../services/config/publish';
import { operatorProcedure } from '../../trpc';
import { ZPublishConfigInput } from './publish-config.types';

/** Publishes the draft as the next version (audited inside the publish transaction). */
export const publishConfigProcedure = operatorProcedure('editor')
  .input(ZPublishConfigInput)
  .mutation(({ ctx, input }) => publishDraft(ctx.db, ctx, input.message));
