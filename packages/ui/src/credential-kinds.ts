/**
 * How each kind of consumer credential is created in the console and the portal: the fields a
 * person fills in, as data. The credentials section renders any kind from its entry here, so a
 * new kind is one more entry (and its server-side spec), never a new dialog.
 */
export interface CredentialFieldSpec {
  /** The member of the create call's `spec` this field fills in. */
  name: string;
  label: string;
  control: 'text' | 'password' | 'textarea';
  /** Empty optional fields are left out of the spec (the server generates or defaults them). */
  optional?: boolean;
  hint?: string;
  placeholder?: string;
}

export interface CredentialKindForm {
  kind: string;
  /** The kind as people say it ("Basic username and password"). */
  label: string;
  /** What the identifier column holds for this kind ("Username", "Key id", "Certificate"). */
  identifierLabel: string;
  fields: readonly CredentialFieldSpec[];
  /** What a secret returned once by the server is, for this kind ("password", "shared secret"). */
  secretLabel: string;
  /** How a caller uses it, shown with a secret returned once; `{identifier}` and `{secret}` are filled in. */
  usage?: string;
}

export const BASIC_CREDENTIAL_FORM: CredentialKindForm = {
  kind: 'basic',
  label: 'Basic (username and password)',
  identifierLabel: 'Username',
  secretLabel: 'password',
  fields: [
    {
      name: 'username',
      label: 'Username',
      control: 'text',
      hint: 'Unique across the gateway; no ":".',
      placeholder: 'billing-batch',
    },
    {
      name: 'password',
      label: 'Password',
      control: 'password',
      optional: true,
      hint: 'At least 12 characters. Leave empty to have a strong one generated and shown once.',
    },
  ],
  usage: 'curl -u "{identifier}:{secret}" <gateway URL>/…',
};

export const HMAC_CREDENTIAL_FORM: CredentialKindForm = {
  kind: 'hmac',
  label: 'HMAC-SHA256 signing key (HTTP Message Signatures)',
  identifierLabel: 'Key id',
  secretLabel: 'shared secret (base64)',
  fields: [
    {
      name: 'keyid',
      label: 'Key id',
      control: 'text',
      optional: true,
      hint: 'The keyid your signer puts in Signature-Input. Leave empty to have one generated (hk_…).',
      placeholder: 'billing-signer-1',
    },
  ],
  usage:
    'Sign each request per RFC 9421 with hmac-sha256 and keyid="{identifier}", using the base64-decoded secret {secret}; send Signature-Input and Signature.',
};

export const ED25519_CREDENTIAL_FORM: CredentialKindForm = {
  kind: 'ed25519',
  label: 'Ed25519 signing key (HTTP Message Signatures)',
  identifierLabel: 'Key id',
  secretLabel: 'secret',
  fields: [
    {
      name: 'publicKey',
      label: 'Public key (PEM)',
      control: 'textarea',
      hint: 'Keep the private key. Make a pair with "openssl genpkey -algorithm ed25519 -out key.pem" and upload the output of "openssl pkey -in key.pem -pubout".',
      placeholder: '-----BEGIN PUBLIC KEY-----',
    },
    {
      name: 'keyid',
      label: 'Key id',
      control: 'text',
      optional: true,
      hint: "The keyid your signer puts in Signature-Input. Leave empty to use the key's JWK thumbprint (RFC 7638).",
    },
  ],
};

export const MTLS_CREDENTIAL_FORM: CredentialKindForm = {
  kind: 'mtls',
  label: 'Client certificate (mTLS)',
  identifierLabel: 'Certificate',
  secretLabel: 'secret',
  fields: [
    {
      name: 'certificate',
      label: 'Certificate (PEM)',
      control: 'textarea',
      optional: true,
      hint: 'The client certificate, issued by a CA the API trusts; its SHA-256 fingerprint and subject are read from it.',
      placeholder: '-----BEGIN CERTIFICATE-----',
    },
    {
      name: 'matchBy',
      label: 'Match by',
      control: 'text',
      optional: true,
      hint: '"fingerprint" (default: this exact certificate) or "subject" (any certificate of the trusted CA with this subject), as the API is set up.',
      placeholder: 'fingerprint',
    },
    {
      name: 'fingerprint',
      label: 'SHA-256 fingerprint',
      control: 'text',
      optional: true,
      hint: 'Instead of the certificate: 64 hex digits, with or without colons (openssl x509 -noout -fingerprint -sha256).',
    },
    {
      name: 'subject',
      label: 'Subject',
      control: 'text',
      optional: true,
      hint: 'Instead of the certificate, when matching by subject: e.g. O=Acme,CN=billing (openssl x509 -noout -subject).',
    },
  ],
};

/** Every kind the console and the portal can create, in the order they are offered. */
export const CREDENTIAL_KIND_FORMS: readonly CredentialKindForm[] = [
  BASIC_CREDENTIAL_FORM,
  HMAC_CREDENTIAL_FORM,
  ED25519_CREDENTIAL_FORM,
  MTLS_CREDENTIAL_FORM,
];
