'use client';

import {
  Alert,
  Badge,
  Button,
  CodeBlock,
  SelectField,
  TextAreaField,
  TextField,
  type Tone,
} from '@portico/ui';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type RecentKey, recentKeys } from '../../../../lib/recent-keys';
import {
  TRY_IT_METHODS,
  type TryItRequest,
  type TryItResponse,
} from '../../../../lib/try-it-request';

const PASTE = 'paste';

function toneOf(status: number): Tone {
  if (status >= 500) return 'danger';
  if (status === 429 || status >= 400) return 'warn';
  return 'ok';
}

/** "Name: value" lines into headers; blank and malformed lines are skipped. */
function parseHeaders(text: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(':'))
    .map((line) => {
      const at = line.indexOf(':');
      return { name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
    })
    .filter((h) => h.name.length > 0);
}

function pretty(body: string, headers: [string, string][]): string {
  const type = headers.find(([name]) => name === 'content-type')?.[1] ?? '';
  if (!type.includes('json')) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

async function send(request: TryItRequest): Promise<TryItResponse> {
  const response = await fetch('/try-it', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const detail =
      typeof body === 'object' && body !== null && 'detail' in body
        ? String(body.detail)
        : response.statusText;
    throw new Error(detail);
  }
  return body as TryItResponse;
}

/**
 * Sends a real request through the operator's gateway (via the portal's /try-it route) with one
 * of the developer's keys, pasted or chosen by name, and shows the real answer.
 */
export function TryIt({
  basePath,
  defaultPath,
  authType,
}: {
  basePath: string;
  defaultPath: string;
  authType: 'key' | 'jwt' | 'basic' | 'introspection' | 'signature' | 'mtls' | 'anyOf' | 'none';
}) {
  const [keys, setKeys] = useState<RecentKey[]>([]);
  // Session storage exists only in the browser, after hydration.
  useEffect(() => {
    const stored = recentKeys();
    setKeys(stored);
    if (stored[0]) setKeyChoice(stored[0].id);
  }, []);
  const [method, setMethod] = useState<(typeof TRY_IT_METHODS)[number]>('GET');
  const [path, setPath] = useState(defaultPath);
  const [keyChoice, setKeyChoice] = useState(PASTE);
  const [pasted, setPasted] = useState('');
  const [headerText, setHeaderText] = useState(
    authType === 'jwt' || authType === 'introspection'
      ? 'Authorization: Bearer '
      : authType === 'basic'
        ? 'Authorization: Basic '
        : '',
  );
  const [body, setBody] = useState('');
  const call = useMutation({ mutationFn: send });
  const withBody = method !== 'GET' && method !== 'HEAD';
  const apiKey =
    keyChoice === PASTE ? pasted.trim() : (keys.find((k) => k.id === keyChoice)?.clear ?? '');

  return (
    <div className="stack">
      {authType === 'key' ? (
        <div className="grid-2">
          <SelectField
            label="API key"
            value={keyChoice}
            options={[
              { value: PASTE, label: 'Paste a key' },
              ...keys.map((k) => ({ value: k.id, label: `Just created: ${k.label}` })),
            ]}
            hint="Keys created in this tab are offered here; paste any other key you stored."
            onChange={(e) => setKeyChoice(e.target.value)}
          />
          {keyChoice === PASTE ? (
            <TextField
              label="Key"
              type="password"
              autoComplete="off"
              placeholder="pk_…"
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
            />
          ) : (
            <div />
          )}
        </div>
      ) : null}
      <div className="try-row">
        <SelectField
          label="Method"
          value={method}
          options={TRY_IT_METHODS.map((m) => ({ value: m, label: m }))}
          onChange={(e) => setMethod(e.target.value as (typeof TRY_IT_METHODS)[number])}
        />
        <TextField
          label="Path on the gateway"
          value={path}
          hint={basePath === '/' ? undefined : `This API lives under ${basePath}.`}
          onChange={(e) => setPath(e.target.value)}
        />
      </div>
      <TextAreaField
        label="Headers (one per line, Name: value)"
        rows={2}
        value={headerText}
        onChange={(e) => setHeaderText(e.target.value)}
      />
      {withBody ? (
        <TextAreaField
          label="Body"
          rows={5}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      ) : null}
      <div>
        <Button
          variant="primary"
          busy={call.isPending}
          onClick={() =>
            call.mutate({
              method,
              path,
              headers: parseHeaders(headerText),
              ...(apiKey ? { apiKey } : {}),
              ...(withBody && body ? { body } : {}),
            })
          }
        >
          Send request
        </Button>
      </div>
      {call.error ? <Alert>{call.error.message}</Alert> : null}
      {call.data ? (
        <div className="stack" data-testid="try-it-response">
          <div className="row">
            <Badge tone={toneOf(call.data.status)} testId="try-it-status">
              {call.data.status} {call.data.statusText}
            </Badge>
            <span className="pui-muted">
              {call.data.durationMs} ms · <code>{call.data.url}</code>
            </span>
          </div>
          <pre className="headers-list" data-testid="try-it-headers">
            {call.data.headers.map(([name, value]) => `${name}: ${value}`).join('\n')}
          </pre>
          <CodeBlock
            code={
              pretty(call.data.body, call.data.headers) +
              (call.data.truncated ? '\n… (truncated)' : '')
            }
            language="Response body"
            testId="try-it-body"
          />
        </div>
      ) : null}
    </div>
  );
}
