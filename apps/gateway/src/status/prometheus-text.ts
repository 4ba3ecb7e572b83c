/** Prometheus text exposition: the lines every metric family of the gateway's `/metrics` starts with. */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** The `# HELP` and `# TYPE` lines that open a metric family. */
export function familyHeader(name: string, type: MetricType, help: string): [string, string] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
}

/** A whole metric family of one unlabelled sample. */
export function singleSample(
  name: string,
  type: MetricType,
  help: string,
  value: number,
): [string, string, string] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`];
}

/** The samples of a family with one label: one line per entry of `counts`, keyed by the label's value. */
export function labelledSamples(
  name: string,
  label: string,
  counts: ReadonlyMap<string | number, number>,
): string[] {
  const lines: string[] = [];
  for (const [value, count] of counts) lines.push(`${name}{${label}="${value}"} ${count}`);
  return lines;
}
