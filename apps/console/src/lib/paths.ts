/** Reads a dotted path ("settings.timeouts.connectMs", "targets.0.host") from a plain object. */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Returns a copy of `value` with `path` set, copying only the objects/arrays along the path. */
export function setPath<T>(value: T, path: string, next: unknown): T {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return value;
  const container: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as Record<string, unknown>) };
  const child = (container as Record<string, unknown>)[head];
  (container as Record<string, unknown>)[head] =
    rest.length === 0
      ? next
      : setPath(child ?? (/^\d+$/.test(rest[0] ?? '') ? [] : {}), rest.join('.'), next);
  return container as T;
}
