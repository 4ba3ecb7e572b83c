'use client';

import { useSession } from '../../../components/session';
import { PageHeader } from '../../../components/ui';
import { MachineTokens } from './machine-tokens';
import { Members } from './members';
import { PersonalTokens } from './personal-tokens';

export default function SettingsPage() {
  const session = useSession();
  return (
    <>
      <PageHeader title="Settings" description="Members, roles and tokens." />
      {session.canAdmin ? (
        <Members />
      ) : (
        <section className="panel">
          <h2>Members</h2>
          <p className="muted" style={{ margin: 0 }}>
            You are signed in as {session.user.email} with the {session.role} role. Admins manage
            members, roles and machine tokens.
          </p>
        </section>
      )}
      <PersonalTokens />
      {session.canAdmin ? (
        <>
          <MachineTokens
            kind="dataplane"
            title="Data-plane tokens"
            help="Gateways authenticate to the control plane with these (PORTICO_DP_TOKEN)."
          />
          <MachineTokens
            kind="registry"
            title="Registry tokens"
            help="Services register their instances in the built-in registry with these."
          />
        </>
      ) : null}
    </>
  );
}
