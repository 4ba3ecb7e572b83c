/** Headers that describe one connection and must never be forwarded (RFC 9110 §7.6.1). */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Extra header names a sender listed in `Connection`: hop-by-hop too, by declaration. */
export function connectionNamedHeaders(
  connection: string | string[] | undefined,
): Set<string> | null {
  // The common values name no extra headers: answer without splitting.
  if (connection === undefined || connection === 'keep-alive' || connection === 'close')
    return null;
  const text = Array.isArray(connection) ? connection.join(',') : connection;
  let names: Set<string> | null = null;
  for (const token of text.split(',')) {
    const name = token.trim().toLowerCase();
    if (name.length === 0 || name === 'close' || name === 'keep-alive') continue;
    names ??= new Set();
    names.add(name);
  }
  return names;
}
