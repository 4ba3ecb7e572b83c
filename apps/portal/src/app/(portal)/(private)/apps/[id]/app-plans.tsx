'use client';

import { Alert, Badge, Button, Card, EmptyState, errorMessage } from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ConfirmItemDialog } from '../../../../../components/confirm-item-dialog';
import { perPeriod } from '../../../../../lib/format';
import { type RouterOutputs, useTRPC } from '../../../../../lib/trpc';

/** A listed plan as the catalogue serves it, with its APIs by name. */
export type PlanOption = Omit<RouterOutputs['portal']['catalog']['plans'][number], 'apis'> & {
  apis: string[];
};

export interface SubscriptionRow {
  id: string;
  planId: string;
  planName: string;
  status: 'pending' | 'active' | 'rejected' | 'cancelled';
  createdAt: string;
}

/** The app's plan: the plans side by side, subscribe, switch (same keys) and cancel. */
export function AppPlans({
  appId,
  subscriptions,
  plans,
}: {
  appId: string;
  subscriptions: SubscriptionRow[];
  plans: PlanOption[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [cancelling, setCancelling] = useState<SubscriptionRow | null>(null);
  const current = subscriptions.filter((s) => s.status === 'active' || s.status === 'pending');
  const refresh = () => router.refresh();
  const subscribe = useMutation(
    trpc.portal.subscriptions.subscribe.mutationOptions({ onSuccess: refresh }),
  );
  const changePlan = useMutation(
    trpc.portal.subscriptions.changePlan.mutationOptions({ onSuccess: refresh }),
  );
  const cancel = useMutation(
    trpc.portal.subscriptions.cancel.mutationOptions({
      onSuccess: () => {
        setCancelling(null);
        refresh();
      },
    }),
  );
  const statusOf = (planId: string) => current.find((s) => s.planId === planId) ?? null;

  return (
    <Card title="Plan" testId="app-plans">
      {subscribe.error ? <Alert>{errorMessage(subscribe.error)}</Alert> : null}
      {changePlan.error ? <Alert>{errorMessage(changePlan.error)}</Alert> : null}
      {current.some((s) => s.status === 'pending') ? (
        <Alert tone="warn">
          Your subscription is waiting for the operator's approval. Keys work for it once it is
          approved.
        </Alert>
      ) : null}
      {plans.length === 0 ? (
        <EmptyState title="No plans are offered yet">
          The operator has not listed any plan in the portal.
        </EmptyState>
      ) : (
        <div className="plan-grid">
          {plans.map((plan) => {
            const sub = statusOf(plan.id);
            return (
              <div
                key={plan.id}
                className={`plan-card${sub ? ' current' : ''}`}
                data-testid={`plan-${plan.name}`}
              >
                <div className="row-between">
                  <h3>{plan.name}</h3>
                  {sub ? (
                    <Badge
                      tone={sub.status === 'active' ? 'ok' : 'warn'}
                      testId="subscription-status"
                    >
                      {sub.status === 'active' ? 'Active' : 'Pending approval'}
                    </Badge>
                  ) : plan.approvalRequired ? (
                    <Badge tone="info">Needs approval</Badge>
                  ) : null}
                </div>
                {plan.description ? (
                  <p className="pui-muted plan-desc">{plan.description}</p>
                ) : null}
                <div>
                  <div className="plan-figure">{perPeriod(plan.rateLimit)}</div>
                  <div className="pui-hint">rate limit</div>
                </div>
                <ul>
                  <li>Quota: {perPeriod(plan.quota)}</li>
                  <li>{plan.apis.length > 0 ? plan.apis.join(', ') : 'No listed API yet'}</li>
                </ul>
                {sub ? (
                  <Button onClick={() => setCancelling(sub)}>Cancel subscription</Button>
                ) : current[0] ? (
                  <Button
                    busy={changePlan.isPending && changePlan.variables?.planId === plan.id}
                    onClick={() =>
                      current[0] &&
                      changePlan.mutate({ subscriptionId: current[0].id, planId: plan.id })
                    }
                  >
                    Switch to {plan.name}
                  </Button>
                ) : (
                  <Button
                    variant="primary"
                    busy={subscribe.isPending && subscribe.variables?.planId === plan.id}
                    onClick={() => subscribe.mutate({ appId, planId: plan.id })}
                  >
                    Subscribe
                  </Button>
                )}
              </div>
            );
          })}
        </div>
      )}
      <p className="pui-hint" style={{ marginTop: 12 }}>
        Compare what each plan includes on the <Link href="/plans">plans page</Link>.
      </p>
      <ConfirmItemDialog
        item={cancelling}
        onClose={() => setCancelling(null)}
        title={`Cancel ${cancelling?.planName ?? ''}?`}
        description="Keys of this app stop reaching the plan's APIs at once. You can subscribe again later."
        confirmLabel="Cancel subscription"
        mutation={cancel}
        onConfirm={(row) => cancel.mutate({ subscriptionId: row.id })}
      />
    </Card>
  );
}
