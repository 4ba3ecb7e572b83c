import { stringify } from 'yaml';
import { type CommandSpec, stringOption } from '../command';
import { orderDumpedDocument } from '../dump-order';
import { CliError, EXIT_SERVER_FAILURE } from '../exit-codes';

export const dumpCommand: CommandSpec = {
  path: ['dump'],
  summary: 'Write the current configuration as a declarative YAML file',
  synopsis: 'dump [-o FILE]',
  positionals: [],
  options: {
    output: {
      type: 'string',
      short: 'o',
      value: 'FILE',
      description: 'write to FILE instead of stdout',
    },
  },
  details: [
    'The output applies as a no-op: `portico dump -o p.yaml && portico apply -f p.yaml` prints',
    '"no changes". Registry credentials are write-only and never dumped.',
  ].join('\n'),
  async run(ctx) {
    const document = orderDumpedDocument(await ctx.call((api) => api.config.dump.query()));
    const output = stringOption(ctx, 'output');
    const text = ctx.json
      ? `${JSON.stringify(document, null, 2)}\n`
      : stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
    if (output === undefined) {
      ctx.io.writeOut(text);
      return;
    }
    try {
      await ctx.io.writeText(output, text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(EXIT_SERVER_FAILURE, [`cannot write ${output}: ${reason}`]);
    }
    ctx.io.writeErr(`wrote ${output}\n`);
  },
};
