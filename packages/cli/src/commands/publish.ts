import { type CommandSpec, printJson, stringOption } from '../command';
import { requireOption } from '../input-values';

export const publishCommand: CommandSpec = {
  path: ['publish'],
  summary: 'Publish the draft configuration as a new immutable version',
  synopsis: 'publish -m MESSAGE',
  positionals: [],
  options: {
    message: { type: 'string', short: 'm', value: 'MESSAGE', description: 'what changed and why' },
  },
  details:
    'Exits 1 with the server\'s message ("nothing to publish") when the draft equals the latest version.',
  async run(ctx) {
    const message = requireOption(
      '-m/--message',
      stringOption(ctx, 'message'),
      'say what this version changes',
    );
    const version = await ctx.call((api) => api.config.publish.mutate({ message }));
    if (ctx.json) {
      printJson(ctx, version);
      return;
    }
    ctx.io.writeOut(`published version ${version.number} (sha256 ${version.hash.slice(0, 12)})\n`);
  },
};
