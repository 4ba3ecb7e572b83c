'use client';

import {
  Alert,
  Badge,
  Button,
  Card,
  CheckboxField,
  fieldError,
  PageHeader,
  SelectField,
  Skeleton,
  TextField,
} from '@portico/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useState } from 'react';
import { useSession } from '../../../components/session';
import { errorMessage, type RouterOutputs, useTRPC } from '../../../lib/trpc';

type Settings = RouterOutputs['portalAdmin']['settings']['get'];

const SIGN_UP_MODES = [
  { value: 'open', label: 'Open: anyone may sign up (email verified)' },
  { value: 'approval', label: 'Approval: an operator approves each sign-up' },
  { value: 'invite', label: 'Invite only: operators invite developers' },
];

/** Operators choose how the developer portal looks, who may sign up and what it lists. */
export default function PortalSettingsPage() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.portalAdmin.settings.get.queryOptions());
  const apis = useQuery(trpc.apis.list.queryOptions({}));
  const plans = useQuery(trpc.plans.list.queryOptions());
  return (
    <>
      <PageHeader
        title="Developer portal"
        description="How the portal looks, who may sign up, the gateway URL developers call, and which APIs and plans it lists."
      />
      {settings.error ? <Alert>{errorMessage(settings.error)}</Alert> : null}
      {settings.data && apis.data && plans.data ? (
        <SettingsForm
          key={String(settings.data.updatedAt)}
          settings={settings.data}
          apis={apis.data.map((a) => ({ id: a.id, label: `${a.name} (${a.basePath})` }))}
          plans={plans.data.map((p) => ({ id: p.id, label: p.name }))}
        />
      ) : (
        <Skeleton rows={8} />
      )}
    </>
  );
}

function SettingsForm({
  settings,
  apis,
  plans,
}: {
  settings: Settings;
  apis: { id: string; label: string }[];
  plans: { id: string; label: string }[];
}) {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    portalName: settings.portalName,
    signUpMode: settings.signUpMode,
    logoUrl: settings.logoUrl ?? '',
    accentColor: settings.accentColor,
    publicGatewayUrl: settings.publicGatewayUrl,
  });
  const [listed, setListed] = useState<Record<ListedKind, ReadonlySet<string>>>({
    apis: new Set(settings.listedApiIds),
    plans: new Set(settings.listedPlanIds),
  });
  const choices: Record<ListedKind, { id: string; label: string }[]> = { apis, plans };
  const save = useMutation(
    trpc.portalAdmin.settings.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.portalAdmin.pathKey() }),
    }),
  );
  const readOnly = !session.canAdmin;
  const e = (field: string) => fieldError(save.error, field);
  /** The props that bind a text field to one setting, with the server's message about it. */
  const bindText = (key: 'portalName' | 'logoUrl' | 'publicGatewayUrl') => ({
    value: form[key],
    disabled: readOnly,
    error: e(key),
    onChange: (ev: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: ev.target.value }),
  });

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({
          portalName: form.portalName,
          signUpMode: form.signUpMode,
          logoUrl: form.logoUrl.trim() || null,
          accentColor: form.accentColor,
          publicGatewayUrl: form.publicGatewayUrl,
          listedApiIds: [...listed.apis],
          listedPlanIds: [...listed.plans],
        });
      }}
    >
      {readOnly ? <Alert tone="info">Only admins can change the portal settings.</Alert> : null}
      {save.isSuccess ? (
        <Alert tone="ok">Saved. The portal shows the change on its next page load.</Alert>
      ) : null}
      {save.error &&
      !['portalName', 'logoUrl', 'accentColor', 'publicGatewayUrl', 'signUpMode'].some(e) ? (
        <Alert>{errorMessage(save.error)}</Alert>
      ) : null}
      <Card title="Branding">
        <div className="pui-form-grid">
          <TextField label="Portal name" {...bindText('portalName')} />
          <TextField
            label="Logo URL"
            placeholder="https://example.com/logo.svg"
            hint="Shown in the portal's sidebar; leave empty for none."
            {...bindText('logoUrl')}
          />
          <div className="pui-field">
            <label className="pui-label" htmlFor="accent">
              Accent colour
            </label>
            <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
              <input
                id="accent-picker"
                className="pui-color"
                type="color"
                aria-label="Pick the accent colour"
                value={/^#[0-9a-f]{6}$/i.test(form.accentColor) ? form.accentColor : '#4f46e5'}
                disabled={readOnly}
                onChange={(ev) => setForm({ ...form, accentColor: ev.target.value })}
              />
              <input
                id="accent"
                className="pui-input"
                value={form.accentColor}
                disabled={readOnly}
                aria-invalid={e('accentColor') ? true : undefined}
                onChange={(ev) => setForm({ ...form, accentColor: ev.target.value })}
              />
            </div>
            {e('accentColor') ? <div className="pui-field-error">{e('accentColor')}</div> : null}
          </div>
        </div>
      </Card>
      <Card title="Access">
        <div className="pui-form-grid">
          <SelectField
            label="Sign-up mode"
            options={SIGN_UP_MODES}
            value={form.signUpMode}
            disabled={readOnly}
            error={e('signUpMode')}
            onChange={(ev) =>
              setForm({ ...form, signUpMode: ev.target.value as Settings['signUpMode'] })
            }
          />
          <TextField
            label="Public gateway URL"
            hint="What developers call, e.g. https://api.example.com; each API adds its base path."
            {...bindText('publicGatewayUrl')}
          />
        </div>
      </Card>
      <div className="pui-form-grid">
        {LISTED_KINDS.map((kind) => (
          <ListedCard
            key={kind}
            kind={kind}
            items={choices[kind]}
            listed={listed[kind]}
            readOnly={readOnly}
            onListed={(next) => setListed({ ...listed, [kind]: next })}
          />
        ))}
      </div>
      {readOnly ? null : (
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save portal settings
        </Button>
      )}
    </form>
  );
}

type ListedKind = 'apis' | 'plans';
const LISTED_KINDS: readonly ListedKind[] = ['apis', 'plans'];
const LISTED_TEXT: Record<ListedKind, { title: string; note: string; none: string }> = {
  apis: {
    title: 'Listed APIs',
    note: 'Only listed APIs appear in the portal and its machine-readable catalogue.',
    none: 'No APIs yet.',
  },
  plans: {
    title: 'Listed plans',
    note: 'Developers can subscribe their apps only to listed plans.',
    none: 'No plans yet.',
  },
};

/** Which of the operator's APIs or plans the portal shows, ticked one by one. */
function ListedCard({
  kind,
  items,
  listed,
  readOnly,
  onListed,
}: {
  kind: ListedKind;
  items: readonly { id: string; label: string }[];
  listed: ReadonlySet<string>;
  readOnly: boolean;
  onListed: (listed: Set<string>) => void;
}) {
  const { title, note, none } = LISTED_TEXT[kind];
  const toggle = (id: string, on: boolean) => {
    const next = new Set(listed);
    if (on) next.add(id);
    else next.delete(id);
    onListed(next);
  };
  return (
    <Card
      title={
        <>
          {title} <Badge tone="info">{listed.size}</Badge>
        </>
      }
    >
      <p className="pui-muted" style={{ marginTop: 0 }}>
        {note}
      </p>
      <div className="pui-check-list" data-testid={`listed-${kind}`}>
        {items.length === 0 ? <span className="pui-muted">{none}</span> : null}
        {items.map((item) => (
          <CheckboxField
            key={item.id}
            label={item.label}
            checked={listed.has(item.id)}
            disabled={readOnly}
            onChange={(ev) => toggle(item.id, ev.target.checked)}
          />
        ))}
      </div>
    </Card>
  );
}
