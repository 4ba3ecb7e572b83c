import { Badge, EmptyState, PageHeader } from '@portico/ui';
import type { Metadata } from 'next';
import Link from 'next/link';
import { perPeriod } from '../../../lib/format';
import { anonymousApi } from '../../../lib/server-api';
import { loadDeveloper } from '../../../lib/session';

export const metadata: Metadata = { title: 'Plans' };

/** The listed plans side by side: rate limit, quota, APIs and whether approval is needed. */
export default async function PlansPage() {
  const [plans, developer] = await Promise.all([
    anonymousApi().portal.catalog.plans.query(),
    loadDeveloper(),
  ]);
  return (
    <>
      <PageHeader
        title="Plans"
        description="Subscribe an app to a plan to call its APIs. You can switch plans later without a new key."
      />
      {plans.length === 0 ? (
        <EmptyState title="No plans are listed yet" />
      ) : (
        <div className="compare-wrap">
          <table
            className="pui-table compare"
            aria-label="Plan comparison"
            data-testid="plan-compare"
          >
            <thead>
              <tr>
                <th />
                {plans.map((p) => (
                  <th key={p.id} scope="col">
                    <div className="compare-name">{p.name}</div>
                    {p.description ? (
                      <div className="pui-hint compare-desc">{p.description}</div>
                    ) : null}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Rate limit</th>
                {plans.map((p) => (
                  <td key={p.id} className="compare-figure">
                    {perPeriod(p.rateLimit)}
                  </td>
                ))}
              </tr>
              <tr>
                <th scope="row">Quota</th>
                {plans.map((p) => (
                  <td key={p.id}>{perPeriod(p.quota)}</td>
                ))}
              </tr>
              <tr>
                <th scope="row">APIs</th>
                {plans.map((p) => (
                  <td key={p.id}>
                    <div className="tags">
                      {p.apis.length === 0 ? (
                        <span className="pui-muted">None listed</span>
                      ) : (
                        p.apis.map((a) => (
                          <Link key={a.id} href={`/apis/${a.slug}`}>
                            <Badge tone="info">{a.name}</Badge>
                          </Link>
                        ))
                      )}
                    </div>
                  </td>
                ))}
              </tr>
              <tr>
                <th scope="row">Access</th>
                {plans.map((p) => (
                  <td key={p.id}>
                    {p.approvalRequired ? (
                      <Badge tone="warn">Operator approval</Badge>
                    ) : (
                      <Badge tone="ok">Instant</Badge>
                    )}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          <p className="pui-hint" style={{ marginTop: 12 }}>
            {developer ? (
              <>
                Subscribe from one of <Link href="/apps">your apps</Link>.
              </>
            ) : (
              <>
                <Link href="/sign-up">Create an account</Link> to subscribe.
              </>
            )}
          </p>
        </div>
      )}
    </>
  );
}
