import { type CommandSpec, printJson, stringOption } from '../command';
import { formatTimestamp } from '../format-time';
import { parsePositiveInt } from '../input-values';
import { renderTable } from '../table';
import { versionDiffRows } from './versions-diff-rows';

export const versionsListCommand: CommandSpec = {
  path: ['versions', 'list'],
  summary: 'List published config versions, newest first',
  synopsis: 'versions list [--limit N]',
  positionals: [],
  options: {
    limit: { type: 'string', value: 'N', description: 'how many versions to show (default 20)' },
  },
  async run(ctx) {
    const limitText = stringOption(ctx, 'limit');
    const limit = limitText === undefined ? 20 : parsePositiveInt('--limit', limitText);
    const page = await ctx.call((api) => api.config.versions.query({ limit }));
    if (ctx.json) {
      printJson(ctx, page);
      return;
    }
    if (page.items.length === 0) {
      ctx.io.writeOut('no versions published yet\n');
      return;
    }
    const rows = page.items.map((version) => [
      String(version.number),
      formatTimestamp(version.createdAt),
      version.author,
      version.hash.slice(0, 12),
      version.rollbackOf === null
        ? version.message
        : `${version.message} (rollback to ${version.rollbackOf})`,
    ]);
    ctx.io.writeOut(renderTable(['version', 'created', 'author', 'sha256', 'message'], rows));
  },
};

export const versionsDiffCommand: CommandSpec = {
  path: ['versions', 'diff'],
  summary: 'Show what changed between two published versions',
  synopsis: 'versions diff A B',
  positionals: [
    { name: 'A', description: 'the older version number' },
    { name: 'B', description: 'the newer version number' },
  ],
  options: {},
  async run(ctx) {
    const [aText = '', bText = ''] = ctx.positionals;
    const a = parsePositiveInt('A', aText);
    const b = parsePositiveInt('B', bText);
    const diff = await ctx.call((api) => api.config.diff.query({ a, b }));
    if (ctx.json) {
      printJson(ctx, diff);
      return;
    }
    if (diff.identical) {
      ctx.io.writeOut(`versions ${a} and ${b} are identical\n`);
      return;
    }
    ctx.io.writeOut(renderTable(['change', 'kind', 'name', 'fields'], versionDiffRows(diff)));
  },
};

export const versionsRollbackCommand: CommandSpec = {
  path: ['versions', 'rollback'],
  summary: 'Publish a new version equal to an older one',
  synopsis: 'versions rollback N [-m MESSAGE]',
  positionals: [{ name: 'N', description: 'the version to return to' }],
  options: {
    message: {
      type: 'string',
      short: 'm',
      value: 'MESSAGE',
      description: 'message of the new version',
    },
  },
  details: 'History is never rewritten: the rollback is itself a new, numbered version.',
  async run(ctx) {
    const to = parsePositiveInt('N', ctx.positionals[0] ?? '');
    const message = stringOption(ctx, 'message');
    const version = await ctx.call((api) =>
      api.config.rollback.mutate(message === undefined ? { to } : { to, message }),
    );
    if (ctx.json) {
      printJson(ctx, version);
      return;
    }
    ctx.io.writeOut(
      `rolled back to version ${to}: published as version ${version.number} (sha256 ${version.hash.slice(0, 12)})\n`,
    );
  },
};
