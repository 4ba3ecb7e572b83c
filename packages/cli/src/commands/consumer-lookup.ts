import type { CommandContext } from '../command';
import { badInput } from '../exit-codes';

export interface ConsumerRef {
  id: string;
  name: string;
}

/** Consumers are named in flags and files; the API wants ids. */
export async function listConsumers(ctx: CommandContext): Promise<ConsumerRef[]> {
  const consumers = await ctx.call((api) => api.consumers.list.query());
  return consumers.map((consumer) => ({ id: consumer.id, name: consumer.name }));
}

export async function resolveConsumer(ctx: CommandContext, name: string): Promise<ConsumerRef> {
  const consumers = await listConsumers(ctx);
  const match = consumers.find((consumer) => consumer.name === name);
  if (!match) {
    const known = consumers.map((consumer) => consumer.name).sort();
    const hint =
      known.length === 0 ? 'there are no consumers yet' : `known: ${known.slice(0, 20).join(', ')}`;
    throw badInput(`--consumer: no consumer named ${JSON.stringify(name)} (${hint})`);
  }
  return match;
}
