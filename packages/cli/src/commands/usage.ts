import { type CommandSpec, printJson, stringOption } from '../command';
import { badInput } from '../exit-codes';
import { parseDurationOption } from '../input-values';
import { renderTable } from '../table';
import { resolveConsumer } from './consumer-lookup';

export const usageCommand: CommandSpec = {
  path: ['usage'],
  summary: 'Show request counts, errors and latency per API and consumer',
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
  async run(ctx) {
    const sinceSeconds = parseDurationOption('--since', stringOption(ctx, 'since') ?? '1h');
    const from = new Date(ctx.io.now().getTime() - sinceSeconds * 1000).toISOString();
    const apiName = stringOption(ctx, 'api');
    const consumerName = stringOption(ctx, 'consumer');
    const apiId = apiName === undefined ? undefined : await resolveApiId(ctx, apiName);
    const consumerId =
      consumerName === undefined ? undefined : (await resolveConsumer(ctx, consumerName)).id;
    const summary = await ctx.call((api) =>
      api.usage.summary.query({
        from,
        ...(apiId === undefined ? {} : { apiId }),
        ...(consumerId === undefined ? {} : { consumerId }),
      }),
    );
    if (ctx.json) {
      printJson(ctx, summary);
      return;
    }
    if (summary.rows.length === 0) {
      ctx.io.writeOut(`no requests since ${from}\n`);
      return;
    }
    const rows = summary.rows.map((row) => [
      row.apiName,
      row.consumerName ?? '(anonymous)',
      String(row.requests),
      String(row.errors),
      row.p95Ms === null ? '-' : String(row.p95Ms),
    ]);
    ctx.io.writeOut(renderTable(['api', 'consumer', 'requests', 'errors', 'p95 ms'], rows));
  },
};

async function resolveApiId(ctx: Parameters<CommandSpec['run']>[0], name: string): Promise<string> {
  const apis = await ctx.call((api) => api.apis.list.query({ search: name }));
  const match = apis.find((candidate) => candidate.name === name);
  if (!match) throw badInput(`--api: no API named ${JSON.stringify(name)}`);
  return match.id;
}
