import { createPersonalToken } from '../../services/tokens/personal-tokens';
import { authedProcedure } from '../../trpc';
import { ZCreatePersonalInput } from './create-personal.types';
import { issueTokenMutation } from './issue-token-mutation';

export const createPersonalProcedure = authedProcedure
  .input(ZCreatePersonalInput)
  .mutation(issueTokenMutation('personal', createPersonalToken));
