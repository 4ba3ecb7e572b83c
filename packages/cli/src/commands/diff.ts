import { type CommandSpec, printJson } from '../command';
import { renderChanges, summariseChanges } from './changes';
import { FILE_OPTION, readFileOption } from './declarative-input';

export const diffCommand: CommandSpec = {
  path: ['diff'],
  summary: 'Show what `portico apply -f FILE` would change, changing nothing',
  synopsis: 'diff -f FILE',
  positionals: [],
  options: {
    file: FILE_OPTION,
  },
  details: [
    'Like `deck gateway diff`, the exit code is 0 whether or not there are differences;',
    '1 and 2 keep their usual meaning (server failure, bad input). Use --json and check',
    '`changes.length` to branch on differences in a script.',
  ].join('\n'),
  async run(ctx) {
    const { document } = await readFileOption(ctx, 'the YAML file to compare');
    const result = await ctx.call((api) =>
      api.config.applyDocument.mutate({ document, dryRun: true }),
    );
    if (ctx.json) {
      printJson(ctx, { changes: result.changes, wouldPublish: result.wouldPublish });
      return;
    }
    if (result.changes.length === 0) {
      ctx.io.writeOut(
        result.wouldPublish
          ? 'no differences from the draft; unpublished draft changes would be published by apply\n'
          : 'no differences\n',
      );
      return;
    }
    ctx.io.writeOut(renderChanges(ctx, result.changes));
    ctx.io.writeOut(`${summariseChanges(result.changes)}\n`);
  },
};
