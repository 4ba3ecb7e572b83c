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
