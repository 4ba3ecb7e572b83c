import { operatorDecisionProcedure } from './operator-decision';

export const approveSubscriptionProcedure = operatorDecisionProcedure('approve');
