import { diffVersions } from '../../services/config/versions';
import { operatorProcedure } from '../../trpc';
import { ZDiffVersionsInput } from './diff-versions.types';

/** Structured diff from version a to version b: per kind, added/removed/changed with field paths. */
export const diffVersionsProcedure = operatorProcedure('viewer')
  .input(ZDiffVersionsInput)
  .query(({ ctx, input }) => diffVersions(ctx.db, input.a, input.b));
