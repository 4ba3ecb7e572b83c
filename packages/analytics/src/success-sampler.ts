interface SecondBudget {
  second: number;
  kept: number;
}

/**
 * Decides which successful requests get a raw request-log row: up to `perSecond` per API per
 * second (errors are always logged, by the caller). The first requests of each second are kept,
 * which needs one map lookup and no randomness on the request path.
 */
export class SuccessSampler {
  private readonly budgets = new Map<string, SecondBudget>();

  constructor(private readonly perSecond: number) {
    if (!Number.isInteger(perSecond) || perSecond < 0)
      throw new RangeError('the per-second sample must be a non-negative integer');
  }

  /** True when a success of `apiId` at `timeMs` should be logged. */
  keep(apiId: string | null, timeMs: number): boolean {
    if (this.perSecond === 0) return false;
    const second = (timeMs / 1000) | 0;
    const api = apiId ?? '';
    let budget = this.budgets.get(api);
    if (budget === undefined) {
      // Bounded by the number of APIs the gateway serves (plus null for unrouted requests).
      budget = { second, kept: 0 };
      this.budgets.set(api, budget);
    } else if (budget.second !== second) {
      budget.second = second;
      budget.kept = 0;
    }
    if (budget.kept >= this.perSecond) return false;
    budget.kept++;
    return true;
  }
}
