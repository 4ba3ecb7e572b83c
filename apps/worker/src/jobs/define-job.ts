import type { Db } from '@portico/db';
import type { Job, Queue } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from '../logger';

/** Collaborators every job handler receives; built once in main (or by a test). */
export interface JobContext {
  db: Db;
  logger: Logger;
  /** Queue for follow-up work (webhook deliveries) and the scheduled jobs. */
  maintenanceQueue: Queue;
  settings: JobSettings;
  now: () => Date;
  /** POSTs a webhook; injectable so tests can target their own loopback server. */
  fetch: typeof fetch;
}

export interface JobSettings {
  retentionDays: number;
  compactAfterHours: number;
  webhookSigningSecret: string | null;
}

/**
 * A job type: a stable name, a version, the zod schema of its payload and its handler. The BullMQ
 * job name is `name@version`, so a worker that meets a version it does not know refuses the job
 * instead of guessing at its payload.
 */
export interface JobDefinition<TSchema extends z.ZodType = z.ZodType> {
  name: string;
  version: number;
  schema: TSchema;
  handle(payload: z.infer<TSchema>, context: JobContext, job: Job): Promise<unknown>;
}

export function defineJob<TSchema extends z.ZodType>(
  definition: JobDefinition<TSchema>,
): JobDefinition<TSchema> {
  return definition;
}

/** The BullMQ job name for a definition. */
export function jobNameOf(definition: Pick<JobDefinition, 'name' | 'version'>): string {
  return `${definition.name}@${definition.version}`;
}
