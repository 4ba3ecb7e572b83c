'use client';

import { useQuery } from '@tanstack/react-query';
import { Badge } from '../../../components/ui';
import { useTRPC } from '../../../lib/trpc';
import { LIVE } from './analytics-filters';

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

/**
 * The analytics pipeline between the gateways and the worker: batches waiting in the queue, how
 * long the oldest has waited, connected workers and Redis memory, with what to act on when the
 * gateways shed raw rows (backlog or memory past their bounds) or Redis has no memory bound.
 */
export function PipelinePanel() {
  const trpc = useTRPC();
  const pipeline = useQuery({ ...trpc.usage.pipeline.queryOptions(), ...LIVE });
  const state = pipeline.data;
  return (
    <section className="panel" aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">
        Pipeline from the gateways{' '}
        {state?.available ? (
          <Badge tone={state.shedding ? 'danger' : state.warnings.length > 0 ? 'warn' : 'ok'}>
            {state.shedding ? 'gateways shedding raw rows' : 'keeping up'}
          </Badge>
        ) : null}
      </h2>
      {state === undefined ? (
        <p className="muted">…</p>
      ) : !state.available ? (
        <p className="muted" data-testid="pipeline-unavailable">
          Not available: {state.reason}.
        </p>
      ) : (
        <>
          <div className="grid cols-4">
            <div className="stat">
              <div className="label">Batches waiting</div>
              <div className="value" data-testid="pipeline-backlog">
                {state.backlog} / {state.maxQueueBacklog}
              </div>
            </div>
            <div className="stat">
              <div className="label">Oldest waiting</div>
              <div className="value">
                {state.oldestWaitingAgeSeconds === null
                  ? '—'
                  : `${state.oldestWaitingAgeSeconds} s`}
              </div>
            </div>
            <div className="stat">
              <div className="label">Workers</div>
              <div className="value" data-testid="pipeline-workers">
                {state.workers ?? 'unknown'} ({state.active} busy)
              </div>
            </div>
            <div className="stat">
              <div className="label">Redis memory</div>
              <div className="value">
                {megabytes(state.usedMemoryBytes)}
                {state.maxMemoryBytes > 0
                  ? ` of ${megabytes(state.maxMemoryBytes)}`
                  : ' (no bound)'}
              </div>
            </div>
          </div>
          {state.warnings.map((warning) => (
            <p key={warning} className="alert warn" data-testid="pipeline-warning">
              {warning}
            </p>
          ))}
        </>
      )}
    </section>
  );
}
