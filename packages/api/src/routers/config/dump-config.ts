import { dumpDeclarative } from '../../services/config/declarative-state';
import { operatorProcedure } from '../../trpc';

/** The draft as a declarative document (no secrets, no keys); applying it changes nothing. */
export const dumpConfigProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  ctx.db.$transaction((tx) => dumpDeclarative(tx), { isolationLevel: 'RepeatableRead' }),
);
