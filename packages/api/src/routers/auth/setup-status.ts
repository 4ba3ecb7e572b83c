import { publicProcedure } from '../../trpc';

export const setupStatusProcedure = publicProcedure.query(async ({ ctx }) => {
  const operators = await ctx.db.user.count({ where: { kind: 'operator' } });
  return { needsSetup: operators === 0 };
});
