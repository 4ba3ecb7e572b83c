import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BASIC_CREDENTIAL_FORM, type CredentialKindForm } from './credential-kinds';
import { type CredentialRow, CredentialsSection } from './credentials-section';

const rows: CredentialRow[] = [
  {
    id: 'cred_1',
    kind: 'basic',
    name: 'nightly',
    identifier: 'acme-export',
    status: 'active',
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: null,
    lastUsedAt: null,
  },
  {
    id: 'cred_2',
    kind: 'signing',
    name: 'partner',
    identifier: 'kid-1',
    status: 'revoked',
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2027-01-01T00:00:00.000Z',
    lastUsedAt: null,
  },
];

const render = (props: Partial<Parameters<typeof CredentialsSection>[0]> = {}) =>
  renderToStaticMarkup(
    createElement(CredentialsSection, {
      rows,
      onCreate: async () => ({ identifier: '', secret: null }),
      onRevoke: async () => undefined,
      ...props,
    }),
  );

describe('CredentialsSection', () => {
  it("lists each credential with its kind's label and identifier label, and revoke only for active ones", () => {
    const signing: CredentialKindForm = {
      kind: 'signing',
      label: 'Signing key',
      identifierLabel: 'Key id',
      secretLabel: 'secret',
      fields: [],
    };
    const html = render({ kinds: [BASIC_CREDENTIAL_FORM, signing] });
    expect(html).toContain('Basic (username and password)');
    expect(html).toContain('Username: acme-export');
    expect(html).toContain('Signing key');
    expect(html).toContain('Key id: kid-1');
    expect(html).toContain('2027-01-01');
    expect(html.match(/Revoke…/g)).toHaveLength(1);
  });

  it('offers no create or revoke, and says why, when read-only', () => {
    const html = render({ readOnlyReason: 'This app is suspended.' });
    expect(html).toContain('This app is suspended.');
    expect(html).not.toContain('Revoke…');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Add credential/);
  });

  it('blocks creating but keeps revoking when creation is blocked (a suspended app)', () => {
    const html = render({ createBlockedReason: 'This app is suspended.' });
    expect(html).toContain('This app is suspended.');
    expect(html.match(/Revoke…/g)).toHaveLength(1);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Add credential/);
  });
});
