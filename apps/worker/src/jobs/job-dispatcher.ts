import { type Job, UnrecoverableError } from 'bullmq';
import type { JobContext, JobDefinition } from './define-job';
import { jobNameOf } from './define-job';

/**
 * Routes a BullMQ job to its definition after validating the payload. A payload that does not
 * match its schema, or a job name no definition knows, fails as UnrecoverableError: one failed
 * job, visible in the failed set, and no retry loop.
 */
export function createJobDispatcher(definitions: readonly JobDefinition[], context: JobContext) {
  const byName = new Map(definitions.map((d) => [jobNameOf(d), d]));
  return async function dispatch(job: Job): Promise<unknown> {
    const definition = byName.get(job.name);
    if (!definition) {
      throw new UnrecoverableError(
        `unknown job "${job.name}"; this worker knows ${[...byName.keys()].join(', ')}`,
      );
    }
    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
      const message = `${job.name} job ${job.id}: invalid payload at ${where}: ${issue?.message ?? 'invalid'}`;
      context.logger.error({ jobId: job.id, jobName: job.name }, message);
      throw new UnrecoverableError(message);
    }
    return definition.handle(parsed.data, context, job);
  };
}
