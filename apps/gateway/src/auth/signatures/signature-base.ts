import type { CoveredComponent, ParsedSignature } from './signature-input';
import {
  type Dictionary,
  parseDictionary,
  parseList,
  serializeDictionary,
  serializeList,
  serializeMember,
} from './structured-fields';

/** The parts of a request its signature base is built from, as the client sent them. */
export interface SignedRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** The Host (HTTP/1.1) or :authority (HTTP/2) value. */
  readonly host: string;
  /** The request target as sent (origin form: path and query). */
  readonly target: string;
  /** Field lines as received, name then value (Node's rawHeaders). */
  readonly rawHeaders: readonly string[];
}

export type BaseResult = { ok: true; base: string } | { ok: false; detail: string };

class ComponentError extends Error {}

/** Host lower-cased and without the scheme's default port (RFC 9421 §2.2.3). */
export function normalisedAuthority(host: string, scheme: 'http' | 'https'): string {
  const lower = host.trim().toLowerCase();
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  return lower.endsWith(defaultPort) ? lower.slice(0, -defaultPort.length) : lower;
}

/** Every line of a field, trimmed and joined with ", " (§2.1); null when the field is absent. */
function fieldValue(rawHeaders: readonly string[], name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const fieldName = rawHeaders[i] as string;
    if (fieldName.length !== name.length || fieldName.toLowerCase() !== name) continue;
    const line = (rawHeaders[i + 1] as string).trim();
    value = value === null ? line : `${value}, ${line}`;
  }
  return value;
}

function splitTarget(target: string): { path: string; query: string | null } {
  const q = target.indexOf('?');
  if (q < 0) return { path: target.length === 0 ? '/' : target, query: null };
  const path = target.slice(0, q);
  return { path: path.length === 0 ? '/' : path, query: target.slice(q + 1) };
}

function queryParamValue(query: string | null, component: CoveredComponent): string {
  const name = component.params.get('name');
  if (typeof name !== 'string')
    throw new ComponentError('"@query-param" needs a name parameter (a quoted string)');
  let wanted: string;
  try {
    wanted = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    throw new ComponentError('the name of "@query-param" is not valid percent-encoding');
  }
  let found: string | null = null;
  for (const [key, value] of new URLSearchParams(query ?? '')) {
    if (key !== wanted) continue;
    if (found !== null)
      throw new ComponentError(`the query parameter "${wanted}" occurs more than once`);
    found = value;
  }
  if (found === null) throw new ComponentError(`the query parameter "${wanted}" is absent`);
  return encodeURIComponent(found);
}

function derivedValue(component: CoveredComponent, request: SignedRequest): string {
  const { path, query } = splitTarget(request.target);
  switch (component.name) {
    case '@method':
      return request.method;
    case '@scheme':
      return request.scheme;
    case '@authority':
      return normalisedAuthority(request.host, request.scheme);
    case '@target-uri':
      return `${request.scheme}://${normalisedAuthority(request.host, request.scheme)}${request.target}`;
    case '@request-target':
      return request.target;
    case '@path':
      return path;
    case '@query':
      return `?${query ?? ''}`;
    case '@query-param':
      return queryParamValue(query, component);
    case '@status':
      throw new ComponentError('"@status" is a response component; a request cannot cover it');
    case '@signature-params':
      throw new ComponentError('"@signature-params" cannot be a covered component');
    default:
      throw new ComponentError(`unknown derived component "${component.name}"`);
  }
}

function structured(value: string): Dictionary | null {
  try {
    return parseDictionary(value);
  } catch {
    return null;
  }
}

function headerValue(component: CoveredComponent, request: SignedRequest): string {
  const raw = fieldValue(request.rawHeaders, component.name);
  if (raw === null) throw new ComponentError(`the covered field "${component.name}" is absent`);
  if (component.params.size === 0) return raw;
  for (const param of component.params.keys()) {
    if (param !== 'sf' && param !== 'key')
      throw new ComponentError(
        `the component parameter ";${param}" on "${component.name}" is not supported`,
      );
  }
  const key = component.params.get('key');
  if (key !== undefined) {
    if (typeof key !== 'string')
      throw new ComponentError(`";key" on "${component.name}" must be a quoted string`);
    const dict = structured(raw);
    const member = dict?.get(key);
    if (dict === null || member === undefined)
      throw new ComponentError(`"${component.name}" is not a dictionary with the key "${key}"`);
    return serializeMember(member);
  }
  // ;sf: re-serialized canonically. Dictionaries first (the common structured fields), then lists.
  const dict = structured(raw);
  if (dict !== null) return serializeDictionary(dict);
  try {
    return serializeList(parseList(raw));
  } catch {
    throw new ComponentError(`"${component.name}" is not a structured field`);
  }
}

/**
 * The signature base (RFC 9421 §2.5): one line per covered component, in the order covered,
 * then the `@signature-params` line. Fails when a component cannot be produced from the request.
 */
export function signatureBase(signature: ParsedSignature, request: SignedRequest): BaseResult {
  let base = '';
  try {
    for (const component of signature.components) {
      const value =
        component.name.charCodeAt(0) === 0x40
          ? derivedValue(component, request)
          : headerValue(component, request);
      base += `${component.id}: ${value}\n`;
    }
  } catch (error) {
    if (error instanceof ComponentError) return { ok: false, detail: error.message };
    throw error;
  }
  base += `"@signature-params": ${signature.paramsLine}`;
  return { ok: true, base };
}
