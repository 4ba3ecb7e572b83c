import protobuf from 'protobufjs';

/**
 * The proto3 JSON forms of Timestamp (RFC 3339 text) and Duration (`"1.5s"`), installed as
 * protobufjs wrappers so every message holding them converts the same way, nested or not.
 * Wrappers bind when a type is first set up, so this runs on import, before any schema compiles.
 */
type Seconds = number | protobuf.Long | string;
interface SecondsNanos {
  seconds?: Seconds;
  nanos?: number;
}

function secondsOf(value: Seconds | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  return Number(value.toString());
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** RFC 3339 text → seconds and nanos; throws a message naming the value when it is not one. */
export function parseTimestamp(text: string): { seconds: number; nanos: number } {
  const match = RFC3339.exec(text);
  const millis = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(millis))
    throw new TypeError(`${JSON.stringify(text)} is not an RFC 3339 timestamp`);
  const nanos = match[2] ? Number(match[2].slice(1).padEnd(9, '0')) : 0;
  return { seconds: Math.floor(millis / 1000), nanos };
}

export function formatTimestamp(value: SecondsNanos): string {
  const seconds = secondsOf(value.seconds);
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${iso}${fraction(value.nanos ?? 0)}Z`;
}

export function parseDuration(text: string): { seconds: number; nanos: number } {
  const match = /^(-?)(\d+)(\.\d{1,9})?s$/.exec(text);
  if (!match) throw new TypeError(`${JSON.stringify(text)} is not a duration such as "1.5s"`);
  const sign = match[1] === '-' ? -1 : 1;
  const nanos = match[3] ? Number(match[3].slice(1).padEnd(9, '0')) : 0;
  return { seconds: sign * Number(match[2]), nanos: sign * nanos };
}

export function formatDuration(value: SecondsNanos): string {
  const seconds = secondsOf(value.seconds);
  const nanos = value.nanos ?? 0;
  const negative = seconds < 0 || nanos < 0;
  return `${negative ? '-' : ''}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}

function wrapper(
  parse: (text: string) => { seconds: number; nanos: number },
  format: (value: SecondsNanos) => string,
): protobuf.IWrapper {
  return {
    fromObject(this: protobuf.Type, object: { [k: string]: unknown }) {
      if (typeof object === 'string') return this.fromObject(parse(object));
      return this.fromObject(object);
    },
    toObject(
      this: protobuf.Type,
      message: protobuf.Message,
      options?: protobuf.IConversionOptions,
    ) {
      if (options?.json === true) return format(message as SecondsNanos) as unknown as object;
      return this.toObject(message, options);
    },
  };
}

protobuf.wrappers['.google.protobuf.Timestamp'] = wrapper(parseTimestamp, formatTimestamp);
protobuf.wrappers['.google.protobuf.Duration'] = wrapper(parseDuration, formatDuration);
