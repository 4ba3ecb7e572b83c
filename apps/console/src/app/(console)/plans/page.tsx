'use client';

import { ZPlanFields } from '@portico/config';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { EditorDialog, useEditing } from '../../../components/dialogs';
import {
  Checkbox,
  CheckList,
  NumberInput,
  namedOptions,
  Select,
  TextInput,
  useForm,
} from '../../../components/fields';
import { FormActions, MutationForm } from '../../../components/forms';
import {
  EditDeleteActions,
  NameCell,
  NewButton,
  useInvalidate,
} from '../../../components/list-page';
import { NO_FILTERS, PagedList, useListUrl } from '../../../components/paged-list';
import { Badge, PageHeader } from '../../../components/ui';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

type PlanView = RouterOutputs['plans']['page']['items'][number];

/** The server's plan fields; a plan without a rate limit or quota holds null. */
const ZPlanForm = ZPlanFields.omit({ routeScopes: true }).extend({
  description: ZPlanFields.shape.description.optional(),
  rateLimit: ZPlanFields.shape.rateLimit.nullable(),
  quota: ZPlanFields.shape.quota.nullable(),
});

interface Draft {
  name: string;
  description: string;
  limitOn: boolean;
  rateLimit: { requests: number | undefined; per: string };
  quotaOn: boolean;
  quota: { requests: number | undefined; per: string };
  public: boolean;
  approvalRequired: boolean;
  redisFailurePolicy: string;
  apiIds: string[];
}

function PlanForm({ plan, onDone }: { plan: PlanView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const apis = useQuery(trpc.apis.list.queryOptions({}));
  const form = useForm(
    ZPlanForm,
    {
      name: plan?.name ?? '',
      description: plan?.description ?? '',
      limitOn: plan ? plan.rateLimit !== null : true,
      rateLimit: plan?.rateLimit ?? { requests: 100, per: 'minute' },
      quotaOn: plan?.quota != null,
      quota: plan?.quota ?? { requests: 10_000, per: 'month' },
      public: plan?.public ?? true,
      approvalRequired: plan?.approvalRequired ?? false,
      redisFailurePolicy: plan?.redisFailurePolicy ?? 'open',
      apiIds: plan?.apiIds ?? [],
    } satisfies Draft as Draft,
    (d: Draft) => ({
      name: d.name,
      description: d.description === '' ? undefined : d.description,
      rateLimit: d.limitOn ? d.rateLimit : null,
      quota: d.quotaOn ? d.quota : null,
      public: d.public,
      approvalRequired: d.approvalRequired,
      redisFailurePolicy: d.redisFailurePolicy,
      apiIds: d.apiIds,
    }),
  );
  const invalidate = useInvalidate(trpc.plans.pathKey());
  const create = useMutation(trpc.plans.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.plans.update.mutationOptions({ onSuccess: invalidate }));
  const d = form.draft;
  return (
    <MutationForm
      form={form}
      error={create.error ?? update.error}
      onValid={async (input) => {
        if (plan)
          await update.mutateAsync({
            id: plan.id,
            ...input,
            description: input.description ?? null,
          });
        else await create.mutateAsync(input);
        onDone();
      }}
    >
      <div className="form-row">
        <TextInput path="name" label="Name" placeholder="gold" />
        <TextInput path="description" label="Description" />
      </div>
      <fieldset>
        <legend>Rate limit</legend>
        <Checkbox path="limitOn" label="Limit requests per key" />
        {d.limitOn ? (
          <div className="form-row">
            <NumberInput path="rateLimit.requests" label="Requests" />
            <Select path="rateLimit.per" label="Per" options={['second', 'minute', 'hour']} />
          </div>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Quota</legend>
        <Checkbox path="quotaOn" label="Cap requests per period" />
        {d.quotaOn ? (
          <div className="form-row">
            <NumberInput path="quota.requests" label="Requests" />
            <Select path="quota.per" label="Per" options={['day', 'month']} />
          </div>
        ) : null}
      </fieldset>
      <div className="toolbar">
        <Checkbox path="public" label="Listed in the portal" />
        <Checkbox path="approvalRequired" label="Subscriptions need approval" />
      </div>
      <Select
        path="redisFailurePolicy"
        label="When the limiter store is unreachable"
        options={[
          { value: 'open', label: 'Let requests through (fail open)' },
          { value: 'closed', label: 'Refuse requests (fail closed)' },
        ]}
      />
      <fieldset>
        <legend>APIs in this plan</legend>
        {apis.data?.length === 0 ? <p className="muted">Create an API first.</p> : null}
        <div className="toolbar">
          <CheckList
            options={namedOptions(apis.data)}
            selected={d.apiIds}
            onChange={(apiIds) => form.set('apiIds', apiIds)}
          />
        </div>
      </fieldset>
      <FormActions
        onCancel={onDone}
        submitLabel={plan ? 'Save plan' : 'Create plan'}
        disabled={create.isPending || update.isPending}
      />
    </MutationForm>
  );
}

export default function PlansPage() {
  const trpc = useTRPC();
  const list = useListUrl(NO_FILTERS);
  const plans = useQuery({
    ...trpc.plans.page.queryOptions(list.paging),
    placeholderData: keepPreviousData,
  });
  const apis = useQuery(trpc.apis.list.queryOptions({}));
  const { editing, edit, close } = useEditing<PlanView>();
  const invalidate = useInvalidate(trpc.plans.pathKey());
  const remove = useMutation(trpc.plans.delete.mutationOptions({ onSuccess: invalidate }));
  const apiName = new Map((apis.data ?? []).map((a) => [a.id, a.name]));
  return (
    <>
      <PageHeader
        title="Plans"
        description="Rate limits and quotas that consumers subscribe to, per set of APIs."
        actions={<NewButton label="New plan" onClick={() => edit('new')} />}
      />
      <PagedList
        query={plans}
        list={list}
        noun="plan"
        search={{ label: 'Search plans', placeholder: 'Search plans…' }}
        emptyTitle="No plans yet"
        emptyText="Create a plan with the APIs it covers, then subscribe consumers to it."
        headers={['Name', 'Rate limit', 'Quota', 'APIs', 'Access']}
        cells={(p) => (
          <>
            <NameCell name={p.name} description={p.description} />
            <td>{p.rateLimit ? `${p.rateLimit.requests} / ${p.rateLimit.per}` : 'unlimited'}</td>
            <td>{p.quota ? `${p.quota.requests} / ${p.quota.per}` : '—'}</td>
            <td>{p.apiIds.map((id) => apiName.get(id) ?? id).join(', ') || '—'}</td>
            <td>
              {p.public ? <Badge tone="info">public</Badge> : <Badge>private</Badge>}{' '}
              {p.approvalRequired ? <Badge tone="warn">approval</Badge> : null}
            </td>
          </>
        )}
        actions={(p) => (
          <EditDeleteActions
            noun="plan"
            name={p.name}
            deleteMessage="Refused while consumers have active subscriptions to it."
            onEdit={() => edit(p)}
            onDelete={() => remove.mutateAsync({ id: p.id })}
          />
        )}
      />
      <EditorDialog noun="plan" editing={editing} onClose={close}>
        {(plan) => <PlanForm plan={plan} onDone={close} />}
      </EditorDialog>
    </>
  );
}
