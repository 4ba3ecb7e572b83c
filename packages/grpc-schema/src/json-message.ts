import protobuf from 'protobufjs';
import { parseDuration, parseTimestamp } from './well-known-json';

/** proto3 JSON output: int64 as strings, enums by name, bytes as base64, well-known types as text. */
const TO_JSON: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  json: true,
};

export type Decoded = { ok: true; message: protobuf.Message } | { ok: false; detail: string };

/** A message as proto3 JSON. */
export function messageToJson(type: protobuf.Type, message: protobuf.Message): unknown {
  return type.toObject(message, TO_JSON);
}

/**
 * JSON (already parsed) → a message of `type`. Unknown fields and values of the wrong kind are
 * refused with a message naming the field, as proto3 JSON parsers do, instead of being coerced.
 */
export function messageFromJson(type: protobuf.Type, json: unknown): Decoded {
  const problem = checkMessage(type, json, '');
  if (problem !== null) return { ok: false, detail: problem };
  try {
    return { ok: true, message: type.fromObject(json as Record<string, unknown>) };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

const INTEGER = /^-?\d+$/;

function checkMessage(type: protobuf.Type, json: unknown, where: string): string | null {
  const name = type.fullName.replace(/^\./, '');
  if (name === 'google.protobuf.Timestamp' || name === 'google.protobuf.Duration') {
    // Text, or the object form the text was already parsed into.
    return typeof json === 'string' || (typeof json === 'object' && json !== null)
      ? null
      : `${where || 'body'}: expected a ${name} as a string`;
  }
  if (name === 'google.protobuf.Struct' || name === 'google.protobuf.Value') return null;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return `${where || 'body'}: expected a JSON object for ${name}`;
  for (const key in json) {
    const field = type.fields[key] ?? type.fields[camel(key)];
    const path = where ? `${where}.${key}` : key;
    if (field === undefined) return `${path}: unknown field of ${name}`;
    const record = json as Record<string, unknown>;
    let value = record[key];
    if (value === null) continue;
    if (field.resolvedType instanceof protobuf.Type && !field.map) {
      const type = field.resolvedType;
      try {
        value = Array.isArray(value)
          ? value.map((v, i) => wellKnownFromText(type, v, `${path}[${i}]`))
          : wellKnownFromText(type, value, path);
      } catch (error) {
        return (error as Error).message;
      }
      record[key] = value;
    }
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) return `${path}: expected an object`;
      for (const k in value as Record<string, unknown>) {
        const problem = checkValue(field, (value as Record<string, unknown>)[k], `${path}.${k}`);
        if (problem !== null) return problem;
      }
    } else if (field.repeated) {
      if (!Array.isArray(value)) return `${path}: expected an array`;
      for (let i = 0; i < value.length; i++) {
        const problem = checkValue(field, value[i], `${path}[${i}]`);
        if (problem !== null) return problem;
      }
    } else {
      const problem = checkValue(field, value, path);
      if (problem !== null) return problem;
    }
  }
  return null;
}

/**
 * Timestamp and Duration travel as text in JSON; protobufjs' generated converters want their
 * object form, so the text is parsed here (a bad value gets a message naming the field).
 */
function wellKnownFromText(type: protobuf.Type, value: unknown, path: string): unknown {
  if (typeof value !== 'string') return value;
  const name = type.fullName;
  try {
    if (name === '.google.protobuf.Timestamp') return parseTimestamp(value);
    if (name === '.google.protobuf.Duration') return parseDuration(value);
  } catch (error) {
    throw new TypeError(`${path}: ${(error as Error).message}`);
  }
  return value;
}

function checkValue(field: protobuf.Field, value: unknown, path: string): string | null {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, value, path);
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' && value in resolved.values) return null;
    if (typeof value === 'number' && Number.isInteger(value)) return null;
    return `${path}: expected one of ${Object.keys(resolved.values).join(', ')}`;
  }
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? null : `${path}: expected a string`;
    case 'bool':
      return typeof value === 'boolean' ? null : `${path}: expected true or false`;
    case 'bytes':
      return typeof value === 'string' ? null : `${path}: expected base64 text`;
    case 'double':
    case 'float':
      return typeof value === 'number' ||
        (typeof value === 'string' &&
          (value === 'NaN' || /^-?Infinity$/.test(value) || !Number.isNaN(Number(value))))
        ? null
        : `${path}: expected a number`;
    default:
      // Integer types: JSON numbers, or decimal strings (the form int64 travels in).
      if (typeof value === 'number' && Number.isInteger(value)) return null;
      if (typeof value === 'string' && INTEGER.test(value)) return null;
      return `${path}: expected an integer`;
  }
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A path or query parameter's text as the JSON value its field expects, so the same checks and
 * conversions apply as to a body (`"true"` becomes true, a number stays text for int64).
 */
export function scalarFromText(type: protobuf.Type, fieldPath: string, text: string): unknown {
  const field = fieldAt(type, fieldPath);
  if (field === undefined) return text;
  if (field.resolvedType instanceof protobuf.Enum) return text;
  if (field.resolvedType instanceof protobuf.Type) return text;
  switch (field.type) {
    case 'bool':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'double':
    case 'float':
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    default:
      return text;
  }
}

/** Whether `fieldPath` names a repeated field of `type` (query parameters may then repeat). */
export function isRepeatedPath(type: protobuf.Type, fieldPath: string): boolean {
  return fieldAt(type, fieldPath)?.repeated ?? false;
}

/**
 * The field a dotted path (`a.b.c`, proto or JSON names) leads to through nested messages, or
 * undefined when a part is unknown or passes through a field that is not a message.
 */
function fieldAt(type: protobuf.Type, fieldPath: string): protobuf.Field | undefined {
  let current: protobuf.Type = type;
  const parts = fieldPath.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const field = current.fields[part] ?? current.fields[camel(part)];
    if (field === undefined || i === parts.length - 1) return field;
    if (!(field.resolvedType instanceof protobuf.Type)) return undefined;
    current = field.resolvedType;
  }
  return undefined;
}
