/** Milliseconds for people: one decimal below 10 ms, whole numbers above. */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}
