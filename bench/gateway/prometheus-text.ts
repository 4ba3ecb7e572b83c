/** Reading the gateway's /metrics (Prometheus text exposition) after a run. */

/**
 * A counter or gauge from a Prometheus text exposition: the series with exactly `labels` (as
 * written between the braces) when given, else the sum over all its label sets; undefined when
 * absent.
 */
export function readMetric(text: string, name: string, labels?: string): number | undefined {
  const labelPart =
    labels === undefined
      ? '(?:\\{[^}]*\\})?'
      : `\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\}`;
  const pattern = new RegExp(`^${name}${labelPart}\\s+([-\\d.eE+]+)$`, 'gm');
  let total: number | undefined;
  for (const match of text.matchAll(pattern)) total = (total ?? 0) + Number(match[1]);
  return total;
}
