import { describe, expect, it } from 'vitest';
import { CREDENTIAL_KIND_FORMS } from './credential-kinds';

describe('credential kind forms', () => {
  it('offers every kind the control plane creates, each with the fields its spec reads', () => {
    const fields = Object.fromEntries(
      CREDENTIAL_KIND_FORMS.map((form) => [form.kind, form.fields.map((f) => f.name)]),
    );
    expect(fields).toEqual({
      basic: ['username', 'password'],
      hmac: ['keyid'],
      ed25519: ['publicKey', 'keyid'],
      mtls: ['certificate', 'matchBy', 'fingerprint', 'subject'],
    });
  });

  it('asks for the ed25519 public key as required PEM text and everything of mtls as optional', () => {
    const ed = CREDENTIAL_KIND_FORMS.find((f) => f.kind === 'ed25519');
    expect(ed?.fields.find((f) => f.name === 'publicKey')).toMatchObject({
      control: 'textarea',
    });
    expect(ed?.fields.find((f) => f.name === 'publicKey')?.optional).toBeUndefined();
    const mtls = CREDENTIAL_KIND_FORMS.find((f) => f.kind === 'mtls');
    expect(mtls?.fields.every((f) => f.optional === true)).toBe(true);
  });
});
