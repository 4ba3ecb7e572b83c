import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { parse as parseYaml } from 'yaml';
import { DiscoveryError } from './adapter-base';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to reach and authenticate to the API server. */
export interface KubernetesAccess {
  server: string;
  /** Read for every request: projected service-account tokens rotate. */
  token: () => Promise<string | null>;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTlsVerify: boolean;
  defaultNamespace: string;
}

interface KubeconfigDoc {
  'current-context'?: string;
  contexts?: Array<{
    name: string;
    context: { cluster: string; user: string; namespace?: string };
  }>;
  clusters?: Array<{
    name: string;
    cluster: {
      server: string;
      'certificate-authority'?: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
    };
  }>;
  users?: Array<{
    name: string;
    user: {
      token?: string;
      tokenFile?: string;
      'client-certificate'?: string;
      'client-certificate-data'?: string;
      'client-key'?: string;
      'client-key-data'?: string;
    };
  }>;
}

/**
 * Resolves API access in order: option `kubeconfigPath` (current context; token, token file or
 * client certificate; CA); else the in-cluster service account (token, CA and namespace files)
 * with the registry address or `https://kubernetes.default.svc`. A `token` secret overrides
 * whatever token was found.
 */
export async function resolveKubernetesAccess(
  address: string,
  options: Record<string, unknown>,
  secretToken: string | undefined,
): Promise<KubernetesAccess> {
  const kubeconfigPath = typeof options.kubeconfigPath === 'string' ? options.kubeconfigPath : null;
  const override = secretToken ? async () => secretToken : null;
  if (kubeconfigPath) {
    const doc = parseYaml(await readFile(kubeconfigPath, 'utf8')) as KubeconfigDoc;
    const contextName =
      typeof options.context === 'string' ? options.context : doc['current-context'];
    const context = doc.contexts?.find((c) => c.name === contextName)?.context;
    const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
    const user = doc.users?.find((u) => u.name === context?.user)?.user ?? {};
    if (!context || !cluster)
      throw new DiscoveryError(
        `kubeconfig ${kubeconfigPath} has no usable context ${contextName ?? ''}`,
      );
    const fileOrData = async (path?: string, data?: string) =>
      data ? Buffer.from(data, 'base64') : path ? await readFile(path) : undefined;
    const tokenFile = user.tokenFile;
    return {
      server: address || cluster.server,
      token:
        override ??
        (tokenFile
          ? async () => (await readFile(tokenFile, 'utf8')).trim()
          : async () => user.token ?? null),
      ca: await fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data']),
      cert: await fileOrData(user['client-certificate'], user['client-certificate-data']),
      key: await fileOrData(user['client-key'], user['client-key-data']),
      insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
      defaultNamespace:
        typeof options.namespace === 'string'
          ? options.namespace
          : (context.namespace ?? 'default'),
    };
  }
  const inClusterNamespace = await readFile(`${SERVICE_ACCOUNT_DIR}/namespace`, 'utf8').then(
    (s) => s.trim(),
    () => null,
  );
  return {
    server: address || 'https://kubernetes.default.svc',
    token:
      override ??
      (async () =>
        readFile(`${SERVICE_ACCOUNT_DIR}/token`, 'utf8').then(
          (s) => s.trim(),
          () => null,
        )),
    ca: await readFile(`${SERVICE_ACCOUNT_DIR}/ca.crt`).catch(() => undefined),
    insecureSkipTlsVerify: false,
    defaultNamespace:
      typeof options.namespace === 'string' ? options.namespace : (inClusterNamespace ?? 'default'),
  };
}

/**
 * Opens a GET to the API server and resolves with the response once headers arrive. Uses
 * node:http(s) rather than fetch because the API server's CA and client certificates must be
 * honoured. `idleTimeoutMs` bounds silence on the socket (watches send bookmarks).
 */
export async function kubeGet(
  access: KubernetesAccess,
  url: URL,
  signal: AbortSignal,
  idleTimeoutMs: number,
): Promise<IncomingMessage> {
  const token = await access.token();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const isHttps = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const options = {
      method: 'GET',
      headers,
      signal,
      ...(isHttps
        ? {
            ca: access.ca,
            cert: access.cert,
            key: access.key,
            rejectUnauthorized: !access.insecureSkipTlsVerify,
          }
        : {}),
    };
    const req = (isHttps ? https : http).request(url, options, (res) => resolve(res));
    req.setTimeout(idleTimeoutMs, () =>
      req.destroy(
        new DiscoveryError(`Kubernetes API ${url.pathname} went silent for ${idleTimeoutMs} ms`),
      ),
    );
    req.on('error', (error) =>
      reject(
        new DiscoveryError(
          `Kubernetes API ${url.pathname} failed: ${signal.aborted ? 'aborted' : error.message}`,
        ),
      ),
    );
    req.end();
  });
}

export async function readBody(
  res: IncomingMessage,
  limitBytes = 32 * 1024 * 1024,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new DiscoveryError('Kubernetes API answer too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
