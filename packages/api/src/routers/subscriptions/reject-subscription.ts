import { operatorDecisionProcedure } from './operator-decision';

export const rejectSubscriptionProcedure = operatorDecisionProcedure('reject');
