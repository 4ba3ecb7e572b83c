'use client';

import { FieldsetError, ListInput, TextInput, useFormContext } from '../../../components/fields';

/** The API's authentication: a key (header or query parameter), a JWT, or none. */
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
            onChange={(e) =>
              form.set(
                'auth',
                e.target.value === 'jwt'
                  ? { type: 'jwt', jwksUrl: '', algorithms: ['RS256', 'ES256'] }
                  : { type: e.target.value },
              )
            }
          >
            <option value="key">API key</option>
            <option value="jwt">JWT</option>
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
      </div>
      <FieldsetError path="auth" />
    </fieldset>
  );
}
