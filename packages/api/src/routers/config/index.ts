import { router } from '../../trpc';
import { applyConfigProcedure } from './apply-config';
import { diffVersionsProcedure } from './diff-versions';
import { draftDiffProcedure } from './draft-diff';
import { dumpConfigProcedure } from './dump-config';
import { getVersionProcedure } from './get-version';
import { listVersionsProcedure } from './list-versions';
import { publishConfigProcedure } from './publish-config';
import { rollbackConfigProcedure } from './rollback-config';

export const configRouter = router({
  draftDiff: draftDiffProcedure,
  publish: publishConfigProcedure,
  versions: listVersionsProcedure,
  get: getVersionProcedure,
  diff: diffVersionsProcedure,
  rollback: rollbackConfigProcedure,
  // tRPC reserves `apply` (with `call` and `then`) as a procedure name, hence applyDocument.
  applyDocument: applyConfigProcedure,
  dump: dumpConfigProcedure,
});
