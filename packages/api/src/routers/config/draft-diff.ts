import { draftDiff } from '../../services/config/versions';
import { operatorProcedure } from '../../trpc';

/** What publishing now would change, or why the draft cannot be published. */
export const draftDiffProcedure = operatorProcedure('viewer').query(({ ctx }) => draftDiff(ctx.db));
