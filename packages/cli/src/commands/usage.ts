import { type CommandSpec, printJson, stringOption } from '../command';
import { parseDurationOption } from '../input-values';
import { renderTable } from '../table';

export const usageCommand: CommandSpec = {
  path: ['usage'],
  summary: 'Show requests, errors and latency percentiles over a recent window',
  synopsis: 'usage [--api NAME] [--consumer NAME] [--since 1h]',
  positionals: [],
  options: {
    api: { type: 'string', value: 'NAME', description: 'only this API' },
    consumer: { type: 'string', value: 'NAME', description: 'only this consumer' },
    since: {
      type: 'string',
      value: 'DURATION',
      description: 'how far back, e.g. 90m, 24h, 7d (default 1h)',
    },
  },
  details:
    'Figures come from per-minute rollups, so the window starts at the whole minute and may\ncover up to one minute more than asked. An unknown API or consumer name exits 1 (NOT_FOUND).',
  async run(ctx) {
    const sinceSeconds = parseDurationOption('--since', stringOption(ctx, 'since') ?? '1h');
    const apiName = stringOption(ctx, 'api');
    const consumerName = stringOption(ctx, 'consumer');
    const input = {
      sinceSeconds,
      ...(apiName === undefined ? {} : { apiName }),
      ...(consumerName === undefined ? {} : { consumerName }),
    };
    const summary = await ctx.call((api) => api.usage.summary.query(input));
    if (ctx.json) {
      printJson(ctx, summary);
      return;
    }
    const scope = [apiName && `api ${apiName}`, consumerName && `consumer ${consumerName}`]
      .filter(Boolean)
      .join(', ');
    ctx.io.writeOut(`usage from ${summary.from} to ${summary.to}${scope ? ` (${scope})` : ''}\n`);
    const errorRate =
      summary.requests === 0 ? '-' : `${((summary.errors / summary.requests) * 100).toFixed(2)}%`;
    const ms = (value: number | null) => (value === null ? '-' : String(value));
    ctx.io.writeOut(
      renderTable(
        ['requests', 'errors', 'error rate', 'p50 ms', 'p95 ms', 'p99 ms'],
        [
          [
            String(summary.requests),
            String(summary.errors),
            errorRate,
            ms(summary.p50Ms),
            ms(summary.p95Ms),
            ms(summary.p99Ms),
          ],
        ],
      ),
    );
  },
};
