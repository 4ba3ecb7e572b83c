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

/** Every kind the console and the portal can create, in the order they are offered. */
export const CREDENTIAL_KIND_FORMS: readonly CredentialKindForm[] = [BASIC_CREDENTIAL_FORM];
