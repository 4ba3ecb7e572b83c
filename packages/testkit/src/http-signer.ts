import { createHash, createHmac, type KeyObject, sign } from 'node:crypto';

/** What a test signs: the request as it will be sent, and the signature parameters. */
export interface SignOptions {
  method: string;
  /** Full URL the request goes to (`http://127.0.0.1:1234/v1/x?y=1`). */
  url: string;
  /** Header fields to send, lower-case names; covered ones are read from here. */
  headers: Record<string, string>;
  /** Covered components in order, e.g. `['@method', '@authority', '@path', 'content-digest']`. */
  components: readonly string[];
  keyid: string;
  alg: 'hmac-sha256' | 'ed25519';
  /** HMAC: the secret's bytes; Ed25519: the private key. */
  key: Buffer | KeyObject;
  created: number;
  expires?: number;
  nonce?: string;
  label?: string;
  /** Sends `alg` in the parameters (default true). */
  withAlg?: boolean;
}

/**
 * A minimal RFC 9421 signer for tests and benches, written apart from the gateway's verifier so
 * one does not merely agree with itself. Returns the Signature-Input and Signature headers.
 */
export function signHttpRequest(options: SignOptions): {
  'signature-input': string;
  signature: string;
} {
  const url = new URL(options.url);
  const lines: string[] = [];
  for (const name of options.components) {
    let value: string;
    if (name === '@method') value = options.method.toUpperCase();
    else if (name === '@authority') value = url.host;
    else if (name === '@path') value = url.pathname;
    else if (name === '@query') value = url.search.length > 0 ? url.search : '?';
    else if (name === '@target-uri') value = url.href;
    else if (name === '@scheme') value = url.protocol.slice(0, -1);
    else if (name === '@request-target') value = url.pathname + url.search;
    else {
      const header = options.headers[name];
      if (header === undefined) throw new Error(`header ${name} is not in the request`);
      value = header.trim();
    }
    lines.push(`"${name}": ${value}`);
  }
  let params = `(${options.components.map((c) => `"${c}"`).join(' ')});created=${options.created}`;
  if (options.expires !== undefined) params += `;expires=${options.expires}`;
  if (options.nonce !== undefined) params += `;nonce="${options.nonce}"`;
  params += `;keyid="${options.keyid}"`;
  if (options.withAlg !== false) params += `;alg="${options.alg}"`;
  lines.push(`"@signature-params": ${params}`);
  const base = lines.join('\n');
  const bytes =
    options.alg === 'hmac-sha256'
      ? createHmac('sha256', options.key as Buffer)
          .update(base)
          .digest()
      : sign(null, Buffer.from(base), options.key as KeyObject);
  const label = options.label ?? 'sig1';
  return {
    'signature-input': `${label}=${params}`,
    signature: `${label}=:${bytes.toString('base64')}:`,
  };
}

/** The Content-Digest field (RFC 9530) of a body. */
export function contentDigest(body: Buffer | string, algorithm: 'sha-256' | 'sha-512' = 'sha-256') {
  const hash = createHash(algorithm === 'sha-256' ? 'sha256' : 'sha512')
    .update(body)
    .digest('base64');
  return `${algorithm}=:${hash}:`;
}
