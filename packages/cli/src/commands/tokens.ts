import { type CommandSpec, printJson, stringOption } from '../command';
import { badInput } from '../exit-codes';
import { parseDurationOption, requireOption } from '../input-values';

const TOKEN_TYPES = ['dataplane', 'registry', 'personal'] as const;
type TokenType = (typeof TOKEN_TYPES)[number];
const SCOPES = ['register', 'read'] as const;
type Scope = (typeof SCOPES)[number];

export const tokensCreateCommand: CommandSpec = {
  path: ['tokens', 'create'],
  summary: 'Create a data-plane, registry or personal access token and print it once',
  synopsis:
    'tokens create --type dataplane|registry|personal --name NAME [--scopes register,read] [--expires 90d]',
  positionals: [],
  options: {
    type: {
      type: 'string',
      value: 'TYPE',
      description: 'dataplane (gateways), registry (service instances) or personal (you)',
    },
    name: { type: 'string', value: 'NAME', description: 'what the token is for' },
    scopes: {
      type: 'string',
      value: 'LIST',
      description: 'registry tokens: comma-separated register,read',
    },
    expires: {
      type: 'string',
      value: 'DURATION',
      description: 'personal tokens: lifetime in whole days, e.g. 90d',
    },
  },
  details:
    'Only a hash is stored: the clear token is printed now and can never be shown again.\nMachine tokens (dataplane, registry) need the admin role.',
  async run(ctx) {
    const type = parseTokenType(
      requireOption('--type', stringOption(ctx, 'type'), TOKEN_TYPES.join('|')),
    );
    const name = requireOption('--name', stringOption(ctx, 'name'), 'say what the token is for');
    const scopesText = stringOption(ctx, 'scopes');
    const expiresText = stringOption(ctx, 'expires');
    if (scopesText !== undefined && type !== 'registry') {
      throw badInput('--scopes applies only to --type registry');
    }
    if (expiresText !== undefined && type !== 'personal') {
      throw badInput(
        '--expires applies only to --type personal (machine tokens live until revoked)',
      );
    }
    const scopes = scopesText === undefined ? undefined : parseScopes(scopesText);
    const created =
      type === 'personal'
        ? await createPersonal(ctx, name, expiresText)
        : await ctx.call((api) =>
            api.tokens.createMachine.mutate(
              scopes === undefined ? { kind: type, name } : { kind: type, name, scopes },
            ),
          );
    if (ctx.json) {
      printJson(ctx, { token: created.token, id: created.record.id, record: created.record });
      return;
    }
    ctx.io.writeOut(`${created.token}\n`);
    ctx.io.writeErr(
      [
        `created ${type} token ${created.record.id} (${name})`,
        'the token above is shown only this once: store it now',
        '',
      ].join('\n'),
    );
  },
};

async function createPersonal(
  ctx: Parameters<CommandSpec['run']>[0],
  name: string,
  expiresText: string | undefined,
) {
  let expiresInDays: number | undefined;
  if (expiresText !== undefined) {
    const seconds = parseDurationOption('--expires', expiresText);
    if (seconds % 86_400 !== 0) {
      throw badInput(
        `--expires: personal tokens expire in whole days, e.g. 30d (got ${expiresText})`,
      );
    }
    expiresInDays = seconds / 86_400;
  }
  return ctx.call((api) =>
    api.tokens.createPersonal.mutate(
      expiresInDays === undefined ? { name } : { name, expiresInDays },
    ),
  );
}

function parseTokenType(text: string): TokenType {
  const match = TOKEN_TYPES.find((type) => type === text);
  if (!match)
    throw badInput(`--type: ${JSON.stringify(text)} is not one of ${TOKEN_TYPES.join(', ')}`);
  return match;
}

function parseScopes(text: string): Scope[] {
  const scopes: Scope[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    const scope = SCOPES.find((candidate) => candidate === part);
    if (!scope)
      throw badInput(`--scopes: ${JSON.stringify(part)} is not one of ${SCOPES.join(', ')}`);
    if (!scopes.includes(scope)) scopes.push(scope);
  }
  return scopes;
}
