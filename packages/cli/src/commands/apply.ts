import { booleanOption, type CommandSpec, printJson, stringOption } from '../command';
import { renderChanges, summariseChanges } from './changes';
import { FILE_OPTION, readFileOption } from './declarative-input';

export const applyCommand: CommandSpec = {
  path: ['apply'],
  summary: 'Make the control plane match a declarative YAML file and publish the result',
  synopsis: 'apply -f FILE [--dry-run] [-m MESSAGE]',
  positionals: [],
  options: {
    file: FILE_OPTION,
    'dry-run': { type: 'boolean', description: 'show what would change; change nothing' },
    message: {
      type: 'string',
      short: 'm',
      value: 'MESSAGE',
      description: 'message of the published version',
    },
  },
  details: [
    'The file is validated locally first; a broken file exits 2 with one line per problem',
    '(file:line:column: field.path: message) and the control plane is never contacted.',
    'The file is the whole truth: entities are matched by name, and registries, services,',
    'APIs, plans and operator-created consumers missing from it are deleted. Applying the',
    'same file twice changes nothing and publishes no new version. Use --dry-run or',
    '`portico diff` to preview.',
  ].join('\n'),
  async run(ctx) {
    const { file, document } = await readFileOption(ctx, 'the YAML file to apply');
    const dryRun = booleanOption(ctx, 'dry-run');
    // The server caps messages at 500 characters; a long path must not make apply fail.
    const message = stringOption(ctx, 'message') ?? `portico apply ${file}`.slice(0, 200);
    const result = await ctx.call((api) =>
      api.config.applyDocument.mutate({ document, dryRun, message }),
    );
    if (ctx.json) {
      printJson(ctx, result);
      return;
    }
    if (result.changes.length > 0) {
      ctx.io.writeOut(renderChanges(ctx, result.changes));
      ctx.io.writeOut(`${summariseChanges(result.changes)}\n`);
    }
    ctx.io.writeOut(`${describeOutcome(dryRun, result)}\n`);
  },
};

interface ApplyOutcome {
  changes: readonly unknown[];
  published: { number: number; hash: string } | null;
  wouldPublish: boolean;
}

/** The last line of `apply`: what happened to the published configuration. */
export function describeOutcome(dryRun: boolean, result: ApplyOutcome): string {
  if (dryRun) {
    if (result.changes.length === 0 && !result.wouldPublish) return 'no changes';
    return result.wouldPublish
      ? 'dry run: nothing was changed; applying would publish a new version'
      : 'dry run: nothing was changed; applying would not publish a new version';
  }
  if (result.published) {
    return `published version ${result.published.number} (sha256 ${result.published.hash.slice(0, 12)})`;
  }
  return result.changes.length === 0
    ? 'no changes'
    : 'applied; the gateway configuration is unchanged, so no version was published';
}
