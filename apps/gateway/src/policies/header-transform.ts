export interface CompiledHeaderTransform {
  readonly add: readonly (readonly [string, string])[];
  readonly remove: ReadonlySet<string>;
  /** Names of the added headers: any copy the message already had is dropped first. */
  readonly replaced: ReadonlySet<string>;
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
  const replaced = new Set(add.map(([name]) => name));
  return { add, remove, replaced, empty: add.length === 0 && remove.size === 0 };
}

/**
 * Removes, then adds (an added header replaces every one of the same name), on a flat
 * `[name, value, …]` list with lower-case names.
 */
export function applyHeaderTransform(transform: CompiledHeaderTransform, headers: string[]): void {
  if (transform.empty) return;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const name = headers[i] as string;
    if (transform.remove.has(name) || transform.replaced.has(name)) headers.splice(i, 2);
  }
  for (const [name, value] of transform.add) headers.push(name, value);
}
