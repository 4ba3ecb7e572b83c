/**
 * Structured Field Values for HTTP (RFC 8941): the parts HTTP Message Signatures and Digest
 * Fields need, parsed strictly (any departure from the grammar is an error, as §4.2 requires)
 * and serialized canonically (§4.1), which is what `;sf`, `;key` and `@signature-params` use.
 */

/** A token (§3.3.4), kept apart from strings because both serialize differently. */
export class SfToken {
  constructor(readonly value: string) {}
}

/** A decimal (§3.3.2), kept apart from integers for the same reason. */
export class SfDecimal {
  constructor(readonly value: number) {}
}

export type BareItem = number | string | boolean | Uint8Array | SfToken | SfDecimal;
export type Params = Map<string, BareItem>;
export interface Item {
  value: BareItem;
  params: Params;
}
export interface InnerList {
  items: Item[];
  params: Params;
}
export type Member = Item | InnerList;
export type Dictionary = Map<string, Member>;

export class StructuredFieldError extends Error {}

export function isInnerList(member: Member): member is InnerList {
  return (member as InnerList).items !== undefined;
}

const KEY_FIRST = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text.charAt(this.pos);
  }
  fail(what: string): never {
    throw new StructuredFieldError(`${what} at character ${this.pos}`);
  }
  skipSpaces(): void {
    while (this.text.charCodeAt(this.pos) === 0x20) this.pos++;
  }
  skipOws(): void {
    let c = this.text.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x09) c = this.text.charCodeAt(++this.pos);
  }
}

function parseKey(c: Cursor): string {
  if (!KEY_FIRST.test(c.peek())) c.fail('expected a key');
  const start = c.pos;
  while (!c.done && KEY_CHAR.test(c.peek())) c.pos++;
  return c.text.slice(start, c.pos);
}

function parseNumber(c: Cursor): number | SfDecimal {
  const start = c.pos;
  if (c.peek() === '-') c.pos++;
  if (!/[0-9]/.test(c.peek())) c.fail('expected a digit');
  let dot = -1;
  while (!c.done) {
    const ch = c.peek();
    if (ch === '.' && dot < 0) {
      if (c.pos - start > 12) c.fail('decimal integer part too long');
      dot = c.pos;
    } else if (!/[0-9]/.test(ch)) break;
    c.pos++;
    if (dot < 0 && c.pos - start > 15) c.fail('integer too long');
  }
  const text = c.text.slice(start, c.pos);
  if (dot < 0) return Number.parseInt(text, 10);
  const fraction = c.pos - dot - 1;
  if (fraction < 1 || fraction > 3 || c.pos - start > 16) c.fail('malformed decimal');
  return new SfDecimal(Number.parseFloat(text));
}

function parseString(c: Cursor): string {
  c.pos++; // opening quote
  let out = '';
  while (!c.done) {
    const code = c.text.charCodeAt(c.pos++);
    if (code === 0x5c) {
      const next = c.text.charAt(c.pos++);
      if (next !== '"' && next !== '\\') c.fail('bad escape in string');
      out += next;
    } else if (code === 0x22) {
      return out;
    } else if (code < 0x20 || code > 0x7e) {
      c.fail('non-printable character in string');
    } else {
      out += String.fromCharCode(code);
    }
  }
  return c.fail('unterminated string');
}

function parseBareItem(c: Cursor): BareItem {
  const ch = c.peek();
  if (ch === '-' || (ch >= '0' && ch <= '9')) return parseNumber(c);
  if (ch === '"') return parseString(c);
  if (ch === ':') {
    const end = c.text.indexOf(':', c.pos + 1);
    if (end < 0) c.fail('unterminated byte sequence');
    const b64 = c.text.slice(c.pos + 1, end);
    if (!BASE64.test(b64)) c.fail('malformed byte sequence');
    c.pos = end + 1;
    return Buffer.from(b64, 'base64');
  }
  if (ch === '?') {
    const v = c.text.charAt(c.pos + 1);
    if (v !== '0' && v !== '1') c.fail('malformed boolean');
    c.pos += 2;
    return v === '1';
  }
  if (/[A-Za-z*]/.test(ch)) {
    const start = c.pos;
    c.pos++;
    while (!c.done && TOKEN_CHAR.test(c.peek())) c.pos++;
    return new SfToken(c.text.slice(start, c.pos));
  }
  return c.fail('expected an item');
}

function parseParams(c: Cursor): Params {
  const params: Params = new Map();
  while (c.peek() === ';') {
    c.pos++;
    c.skipSpaces();
    const key = parseKey(c);
    let value: BareItem = true;
    if (c.peek() === '=') {
      c.pos++;
      value = parseBareItem(c);
    }
    params.set(key, value);
  }
  return params;
}

function parseItem(c: Cursor): Item {
  const value = parseBareItem(c);
  return { value, params: parseParams(c) };
}

function parseMember(c: Cursor): Member {
  if (c.peek() !== '(') return parseItem(c);
  c.pos++;
  const items: Item[] = [];
  for (;;) {
    c.skipSpaces();
    if (c.peek() === ')') {
      c.pos++;
      return { items, params: parseParams(c) };
    }
    items.push(parseItem(c));
    const next = c.peek();
    if (next !== ' ' && next !== ')') c.fail('expected a space or ")" in inner list');
  }
}

/** Parses a Dictionary (§4.2.2); a repeated key keeps its last value, as the RFC says. */
export function parseDictionary(text: string): Dictionary {
  const c = new Cursor(text);
  const dict: Dictionary = new Map();
  c.skipSpaces();
  while (!c.done) {
    const key = parseKey(c);
    let member: Member;
    if (c.peek() === '=') {
      c.pos++;
      member = parseMember(c);
    } else {
      member = { value: true, params: parseParams(c) };
    }
    dict.set(key, member);
    c.skipOws();
    if (c.done) return dict;
    if (c.peek() !== ',') c.fail('expected "," between members');
    c.pos++;
    c.skipOws();
    if (c.done) c.fail('trailing comma');
  }
  return dict;
}

/** Parses a List (§4.2.1). */
export function parseList(text: string): Member[] {
  const c = new Cursor(text);
  const list: Member[] = [];
  c.skipSpaces();
  while (!c.done) {
    list.push(parseMember(c));
    c.skipOws();
    if (c.done) return list;
    if (c.peek() !== ',') c.fail('expected "," between members');
    c.pos++;
    c.skipOws();
    if (c.done) c.fail('trailing comma');
  }
  return list;
}

export function serializeBareItem(value: BareItem): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, '\\$&')}"`;
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (value instanceof SfToken) return value.value;
  if (value instanceof SfDecimal) {
    const fixed = (Math.round(value.value * 1000) / 1000).toFixed(3).replace(/0{1,2}$/, '');
    return fixed;
  }
  return `:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}:`;
}

export function serializeParams(params: Params): string {
  let out = '';
  for (const [key, value] of params) {
    out += `;${key}`;
    if (value !== true) out += `=${serializeBareItem(value)}`;
  }
  return out;
}

export function serializeMember(member: Member): string {
  if (isInnerList(member)) {
    let out = '(';
    for (let i = 0; i < member.items.length; i++) {
      const item = member.items[i] as Item;
      if (i > 0) out += ' ';
      out += serializeBareItem(item.value) + serializeParams(item.params);
    }
    return `${out})${serializeParams(member.params)}`;
  }
  return serializeBareItem(member.value) + serializeParams(member.params);
}

export function serializeDictionary(dict: Dictionary): string {
  let out = '';
  for (const [key, member] of dict) {
    if (out.length > 0) out += ', ';
    out += key;
    if (isInnerList(member) || member.value !== true) out += `=${serializeMember(member)}`;
    else out += serializeParams(member.params);
  }
  return out;
}

export function serializeList(list: readonly Member[]): string {
  return list.map(serializeMember).join(', ');
}
