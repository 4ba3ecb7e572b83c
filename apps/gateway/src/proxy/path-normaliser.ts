/**
 * Normalises a request path once, before routing and before forwarding, so the path the
 * upstream receives is exactly the path that was matched and authorised.
 */
export type NormalisedPath =
  | {
      ok: true;
      path: string /** Decoded path before dot-segment removal: used for the base-path escape check. */;
      beforeDots: string;
      hadDots: boolean;
    }
  | { ok: false; reason: string };

const HEX = '0123456789ABCDEF';

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x7e
  );
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** True when the path needs no work: the common case, checked without allocating. */
function isAlreadyNormal(path: string): boolean {
  let previous = 0;
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code === 0x25 || code === 0x5c) return false; // '%' or '\'
    if (previous === 0x2f && (code === 0x2f || code === 0x2e)) return false; // '//' or '/.'
    if (code < 0x21 || code > 0x7e) return false;
    previous = code;
  }
  return true;
}

export function normalisePath(rawPath: string): NormalisedPath {
  if (rawPath.length === 0 || rawPath.charCodeAt(0) !== 0x2f) {
    return { ok: false, reason: 'the request target must be an absolute path starting with "/"' };
  }
  if (isAlreadyNormal(rawPath))
    return { ok: true, path: rawPath, beforeDots: rawPath, hadDots: false };

  // Pass 1: percent-decoding of unreserved characters only; encoded separators are refused
  // because upstreams disagree on whether %2F is a slash, which is how routing is bypassed.
  let decoded = '';
  for (let i = 0; i < rawPath.length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code === 0x5c) return { ok: false, reason: 'backslashes are not allowed in paths' };
    if (code < 0x21 || code > 0x7e)
      return { ok: false, reason: 'the path contains a control, space or non-ASCII character' };
    if (code !== 0x25) {
      decoded += rawPath.charAt(i);
      continue;
    }
    const high = hexValue(rawPath.charCodeAt(i + 1));
    const low = hexValue(rawPath.charCodeAt(i + 2));
    if (high < 0 || low < 0)
      return { ok: false, reason: 'the path contains a malformed percent-escape' };
    const value = high * 16 + low;
    if (value === 0x2f || value === 0x5c)
      return { ok: false, reason: 'encoded slashes (%2F, %5C) are not allowed in paths' };
    if (value === 0) return { ok: false, reason: 'encoded NUL (%00) is not allowed in paths' };
    if (isUnreserved(value)) decoded += String.fromCharCode(value);
    else decoded += `%${HEX.charAt(high)}${HEX.charAt(low)}`;
    i += 2;
  }

  // Pass 2: duplicate slashes collapse, then dot segments resolve (RFC 3986 §5.2.4).
  const segments = decoded.split('/');
  const kept: string[] = [];
  const collapsed: string[] = [];
  let hadDots = false;
  const last = segments.length - 1;
  for (let i = 1; i <= last; i++) {
    const segment = segments[i] ?? '';
    if (segment === '' && i !== last) continue;
    collapsed.push(segment);
    if (segment === '.') {
      hadDots = true;
      if (i === last) kept.push('');
      continue;
    }
    if (segment === '..') {
      hadDots = true;
      if (kept.length === 0)
        return { ok: false, reason: 'the path climbs above the root with ".."' };
      kept.pop();
      if (i === last) kept.push('');
      continue;
    }
    kept.push(segment);
  }
  return { ok: true, path: `/${kept.join('/')}`, beforeDots: `/${collapsed.join('/')}`, hadDots };
}

/** True when `path` is `base` itself or lies beneath it on a segment boundary. */
export function isUnderBasePath(path: string, base: string): boolean {
  if (base === '/') return true;
  if (!path.startsWith(base)) return false;
  return path.length === base.length || path.charCodeAt(base.length) === 0x2f;
}
