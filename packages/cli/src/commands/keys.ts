import { type CommandSpec, printJson, stringOption } from '../command';
import { formatTimestamp, type Timestamp } from '../format-time';
import { parseDurationOption, requireOption } from '../input-values';
import { renderTable } from '../table';
import { listConsumers, resolveConsumer } from './consumer-lookup';

export const keysCreateCommand: CommandSpec = {
  path: ['keys', 'create'],
  summary: 'Create an API key for a consumer and print it once',
  synopsis: 'keys create --consumer NAME [--name NAME] [--expires 30d]',
  positionals: [],
  options: {
    consumer: { type: 'string', value: 'NAME', description: 'the consumer the key belongs to' },
    name: { type: 'string', value: 'NAME', description: 'a label for the key (default "default")' },
    expires: {
      type: 'string',
      value: 'DURATION',
      description: 'lifetime such as 30d, 12h or 90m (default: never)',
    },
  },
  details: 'Only a hash is stored: the clear key is printed now and can never be shown again.',
  async run(ctx) {
    const consumerName = requireOption(
      '--consumer',
      stringOption(ctx, 'consumer'),
      'name the consumer',
    );
    const expiresText = stringOption(ctx, 'expires');
    const expiresInSeconds =
      expiresText === undefined ? undefined : parseDurationOption('--expires', expiresText);
    const name = stringOption(ctx, 'name') ?? 'default';
    const consumer = await resolveConsumer(ctx, consumerName);
    const created = await ctx.call((api) =>
      api.keys.create.mutate(
        expiresInSeconds === undefined
          ? { consumerId: consumer.id, name }
          : { consumerId: consumer.id, name, expiresInSeconds },
      ),
    );
    if (ctx.json) {
      printJson(ctx, {
        key: created.clear,
        id: created.key.id,
        prefix: created.key.start,
        record: created.key,
      });
      return;
    }
    ctx.io.writeOut(`${created.clear}\n`);
    ctx.io.writeErr(
      [
        `created key ${created.key.id} for consumer ${consumer.name}`,
        `  prefix:  ${created.key.start}`,
        `  expires: ${created.key.expiresAt ? formatTimestamp(created.key.expiresAt) : 'never'}`,
        'the key above is shown only this once: store it now',
        '',
      ].join('\n'),
    );
  },
};

export const keysListCommand: CommandSpec = {
  path: ['keys', 'list'],
  summary: 'List API keys (prefixes only; keys are never shown again)',
  synopsis: 'keys list [--consumer NAME]',
  positionals: [],
  options: {
    consumer: { type: 'string', value: 'NAME', description: "only this consumer's keys" },
  },
  async run(ctx) {
    const consumerName = stringOption(ctx, 'consumer');
    const consumers = await listConsumers(ctx);
    const namesById = new Map(consumers.map((consumer) => [consumer.id, consumer.name]));
    const consumer =
      consumerName === undefined ? undefined : await resolveConsumer(ctx, consumerName);
    const keys = await ctx.call((api) =>
      api.keys.list.query(consumer === undefined ? {} : { consumerId: consumer.id }),
    );
    if (ctx.json) {
      printJson(ctx, keys);
      return;
    }
    if (keys.length === 0) {
      ctx.io.writeOut('no keys\n');
      return;
    }
    const now = ctx.io.now();
    const rows = keys.map((key) => [
      key.id,
      namesById.get(key.consumerId) ?? key.consumerId,
      key.name,
      key.start,
      keyState(key, now),
      formatTimestamp(key.expiresAt),
      formatTimestamp(key.lastUsedAt),
    ]);
    ctx.io.writeOut(
      renderTable(['id', 'consumer', 'name', 'prefix', 'state', 'expires', 'last used'], rows),
    );
  },
};

export const keysRevokeCommand: CommandSpec = {
  path: ['keys', 'revoke'],
  summary: 'Revoke an API key; gateways refuse it within a second',
  synopsis: 'keys revoke ID',
  positionals: [{ name: 'ID', description: 'the key id (key_…), as shown by `portico keys list`' }],
  options: {},
  async run(ctx) {
    const id = ctx.positionals[0] ?? '';
    const revoked = await ctx.call((api) => api.keys.revoke.mutate({ id }));
    if (ctx.json) {
      printJson(ctx, revoked);
      return;
    }
    ctx.io.writeOut(`revoked key ${id}\n`);
  },
};

function keyState(key: { revokedAt: Timestamp; expiresAt: Timestamp }, now: Date): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}
