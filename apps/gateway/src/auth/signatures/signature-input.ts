import {
  type InnerList,
  isInnerList,
  type Params,
  parseDictionary,
  serializeMember,
} from './structured-fields';

/** One covered component of a signature: its name, its parameters, its serialized identifier. */
export interface CoveredComponent {
  readonly name: string;
  readonly params: Params;
  /** `"name";param=…` exactly as the line of the signature base starts. */
  readonly id: string;
}

/** One signature of a request: what Signature-Input says about it and the Signature bytes. */
export interface ParsedSignature {
  readonly label: string;
  readonly components: readonly CoveredComponent[];
  /** The value of the `@signature-params` line: the inner list with its parameters. */
  readonly paramsLine: string;
  readonly created: number | null;
  readonly expires: number | null;
  readonly nonce: string | null;
  readonly keyid: string | null;
  readonly alg: string | null;
  readonly tag: string | null;
  readonly signature: Buffer;
}

export type SignatureParse = { ok: true; value: ParsedSignature } | { ok: false; detail: string };

function stringParam(params: Params, name: string): string | null | undefined {
  const value = params.get(name);
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  return undefined;
}

function intParam(params: Params, name: string): number | null | undefined {
  const value = params.get(name);
  if (value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return undefined;
}

function componentsOf(list: InnerList): CoveredComponent[] | string {
  const components: CoveredComponent[] = [];
  const seen = new Set<string>();
  for (const item of list.items) {
    if (typeof item.value !== 'string')
      return 'each covered component must be a quoted string (RFC 9421 §2)';
    const id = serializeMember(item);
    if (seen.has(id)) return `the component ${id} is covered twice`;
    seen.add(id);
    const name = item.value;
    if (name !== name.toLowerCase()) return `the component ${id} must be lower case`;
    components.push({ name, params: item.params, id });
  }
  return components;
}

/**
 * The signature `wanted` (a label, or null for the first one) from the request's
 * Signature-Input and Signature fields (RFC 9421 §4), or why it cannot be read.
 */
export function parseSignature(
  signatureInput: string,
  signatureField: string,
  wanted: string | null,
): SignatureParse {
  let inputs: ReturnType<typeof parseDictionary>;
  let signatures: ReturnType<typeof parseDictionary>;
  try {
    inputs = parseDictionary(signatureInput);
  } catch (error) {
    return { ok: false, detail: `Signature-Input is malformed: ${(error as Error).message}` };
  }
  try {
    signatures = parseDictionary(signatureField);
  } catch (error) {
    return { ok: false, detail: `Signature is malformed: ${(error as Error).message}` };
  }
  const label = wanted ?? (inputs.keys().next().value as string | undefined);
  if (label === undefined) return { ok: false, detail: 'Signature-Input names no signature' };
  const input = inputs.get(label);
  if (input === undefined || !isInnerList(input))
    return { ok: false, detail: `Signature-Input has no inner list labelled "${label}"` };
  const sig = signatures.get(label);
  if (sig === undefined || isInnerList(sig) || !(sig.value instanceof Uint8Array))
    return { ok: false, detail: `Signature has no byte sequence labelled "${label}"` };
  const components = componentsOf(input);
  if (typeof components === 'string') return { ok: false, detail: components };
  const p = input.params;
  const created = intParam(p, 'created');
  const expires = intParam(p, 'expires');
  const nonce = stringParam(p, 'nonce');
  const keyid = stringParam(p, 'keyid');
  const alg = stringParam(p, 'alg');
  const tag = stringParam(p, 'tag');
  if (created === undefined || expires === undefined)
    return { ok: false, detail: 'created and expires must be integers (seconds since the epoch)' };
  if (nonce === undefined || keyid === undefined || alg === undefined || tag === undefined)
    return { ok: false, detail: 'nonce, keyid, alg and tag must be quoted strings' };
  return {
    ok: true,
    value: {
      label,
      components,
      paramsLine: serializeMember(input),
      created,
      expires,
      nonce,
      keyid,
      alg,
      tag,
      signature: Buffer.from(sig.value.buffer, sig.value.byteOffset, sig.value.byteLength),
    },
  };
}
