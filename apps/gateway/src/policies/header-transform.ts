export interface CompiledHeaderTransform {
  readonly add: readonly (readonly [string, string])[];
  readonly remove: ReadonlySet<string>;
  readonly empty: boolean;
}

export function compileHeaderTransform(transform: {
  add: Record<string, string>;
  remove: string[];
}): CompiledHeaderTransform {
  const add = Object.entries(transform.add).map(
    ([name, value]) => [name.toLowerCase(), value] as const,
  );
  const remove = new Set(transform.remove.map((name) => name.toLowerCase()));
  return { add, remove, empty: add.length === 0 && remove.size === 0 };
}

/** Removes, then adds (an added header replaces one of the same name). Headers are lower-case. */
export function applyHeaderTransform(
  transform: CompiledHeaderTransform,
  headers: Record<string, string | string[] | undefined>,
): void {
  if (transform.empty) return;
  for (const name of transform.remove) delete headers[name];
  for (const [name, value] of transform.add) headers[name] = value;
}
