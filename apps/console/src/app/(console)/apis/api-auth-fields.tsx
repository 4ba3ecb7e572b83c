'use client';

import { FieldsetError, ListInput, TextInput, useFormContext } from '../../../components/fields';

/** What choosing a type in the select starts the API's `auth` with. */
function initialAuth(type: string): Record<string, unknown> {
  switch (type) {
    case 'jwt':
      return { type: 'jwt', jwksUrl: '', algorithms: ['RS256', 'ES256'] };
    case 'introspection':
      return { type: 'introspection', url: '', clientId: '', clientSecretRef: '' };
    default:
      return { type };
  }
}

/**
 * The API's authentication: a key (header or query parameter), a JWT, Basic credentials, OAuth2
 * token introspection, or none. Any-of combinations are edited in the YAML; here they are kept
 * as they are and described.
 */
export function ApiAuthFields({ authType }: { authType: string }) {
  const form = useFormContext();
  return (
    <fieldset>
      <legend>Authentication</legend>
      <div className="form-row">
        <div className="field">
          <label htmlFor="auth-type">Auth type</label>
          <select
            id="auth-type"
            value={authType}
            onChange={(e) => form.set('auth', initialAuth(e.target.value))}
          >
            <option value="key">API key</option>
            <option value="jwt">JWT</option>
            <option value="basic">Basic (username and password)</option>
            <option value="introspection">OAuth2 token introspection</option>
            {authType === 'anyOf' ? (
              <option value="anyOf">Any of several (from YAML)</option>
            ) : null}
            <option value="none">None (public)</option>
          </select>
        </div>
        {authType === 'key' ? (
          <TextInput
            path="auth.queryParam"
            label="Query parameter"
            hint="Optional; the x-api-key header always works."
          />
        ) : null}
        {authType === 'jwt' ? (
          <>
            <TextInput path="auth.jwksUrl" label="JWKS URL" />
            <TextInput path="auth.issuer" label="Issuer" />
            <TextInput path="auth.audience" label="Audience" />
            <ListInput
              path="auth.requiredScopes"
              label="Required scopes"
              hint="Every token must grant these (scope or scp claim). Per-route scopes: the YAML's routeScopes."
            />
          </>
        ) : null}
        {authType === 'basic' ? (
          <TextInput
            path="auth.realm"
            label="Realm"
            hint="Shown in the Basic challenge; the API's name when empty. Usernames and passwords are each consumer's credentials."
          />
        ) : null}
        {authType === 'introspection' ? (
          <>
            <TextInput
              path="auth.url"
              label="Introspection endpoint"
              placeholder="https://id.example.com/oauth2/introspect"
            />
            <TextInput path="auth.clientId" label="Client id" />
            <TextInput
              path="auth.clientSecretRef"
              label="Client secret (secret name)"
              hint="A secret created under Settings → Secrets."
            />
            <TextInput
              path="auth.consumerClaim"
              label="Consumer claim"
              hint="The answer's member naming the consumer; sub when empty."
            />
            <ListInput
              path="auth.requiredScopes"
              label="Required scopes"
              hint="Every token must grant these. Per-route scopes: the YAML's routeScopes."
            />
          </>
        ) : null}
        {authType === 'anyOf' ? (
          <p className="muted">
            Accepts any of several methods; the first whose credential a request carries decides.
            Edit the methods in the declarative file (see docs/authentication.md).
          </p>
        ) : null}
      </div>
      <FieldsetError path="auth" />
    </fieldset>
  );
}
