import { describe, expect, it } from 'vitest';
import { apiHarnessForFile } from './file-harness';
import { expectTrpcError } from './harness';

const { h, fx } = await apiHarnessForFile();

describe('JSON columns read back', () => {
  it('a plan whose stored rate limit no longer fits its rule is refused on read, naming the plan and the field', async () => {
    const plan = await fx.plan();
    // As a hand edit of the database (or a rule tightened since the row was written) leaves it.
    await h.db.plan.update({
      where: { id: plan.id },
      data: { rateLimit: { requests: 'lots', per: 'minute' } },
    });
    const error = await expectTrpcError(
      h.as('viewer').plans.get({ id: plan.id }),
      'INTERNAL_SERVER_ERROR',
    );
    expect(error.message).toMatch(
      new RegExp(`^stored plan ${plan.name}: rateLimit does not match its schema: requests: `),
    );
  });

  it('a service whose stored targets no longer fit is refused on read, naming the service and the field', async () => {
    const service = await fx.service();
    await h.db.service.update({
      where: { id: service.id },
      data: { targets: [{ host: '169.254.169.254', port: 80, weight: 100 }] },
    });
    const error = await expectTrpcError(
      h.as('viewer').services.get({ id: service.id }),
      'INTERNAL_SERVER_ERROR',
    );
    expect(error.message).toContain(
      `stored service ${service.name}: targets does not match its schema: [0].host: target host 169.254.169.254`,
    );
  });
});
