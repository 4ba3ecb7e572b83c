/**
 * A value a fixture sets in `beforeAll` and its tests read: the value, or a failure with
 * `notReady` when a test reads it before the fixture set it up.
 */
export function fixtureValue<T>(value: T | undefined, notReady: string): T {
  if (value === undefined) throw new Error(notReady);
  return value;
}
