import type { KeptRow } from './aggregate-batch-codec';
import type { PendingBatch } from './batch-queue-writer';
import { countable } from './countable-event';
import { EventRingBuffer } from './event-ring-buffer';
import type { RecordedRequest, RecorderCounters } from './recorder-contract';
import type { AnalyticsLogger } from './recorder-options';
import { isErrorStatus } from './request-event';
import { recordedEventProblem } from './request-event-check';
import type { SuccessSampler } from './success-sampler';
import { UsageAggregator } from './usage-aggregate';

export interface RecordingWindowOptions {
  maxSeries: number;
  maxBufferedEvents: number;
  batchMaxEvents: number;
  sampler: SuccessSampler;
  counters: RecorderCounters;
  logger: AnalyticsLogger;
  /** Called after a fold leaves a full batch of rows waiting, so the owner can send one early. */
  onRowsDue: () => void;
}

/** Requests recorded but not yet folded at most; past it record() folds at once. */
const MAX_UNFOLDED = 4_096;

/**
 * What the recorder holds in memory before it is cut into a batch: requests appended per call,
 * folded once per event-loop turn into per-minute rollup cells, and the raw rows kept for the
 * request explorer (every error, a per-API, per-second sample of successes) in a bounded ring.
 */
export class RecordingWindow {
  // Requests recorded in this event-loop turn, folded into the cells at its end (two arrays
  // swapped, so folding allocates nothing).
  private unfolded: RecordedRequest[] = [];
  private spare: RecordedRequest[] = [];
  private foldScheduled = false;
  private readonly aggregator: UsageAggregator;
  private readonly ring: EventRingBuffer<KeptRow>;
  /** Rows of the batch being sent: they count against maxBufferedEvents until Redis has them. */
  rowsInFlight = 0;

  constructor(private readonly options: RecordingWindowOptions) {
    this.aggregator = new UsageAggregator(options.maxSeries);
    this.ring = new EventRingBuffer<KeptRow>(options.maxBufferedEvents);
  }

  /** Requests counted here and not yet cut into a batch. */
  get events(): number {
    return this.unfolded.length + this.aggregator.events;
  }

  /** Raw rows waiting here (not those of the batch being sent). */
  get rowsWaiting(): number {
    return this.ring.size;
  }

  /** True when folded counts or rows wait to be cut (call after fold()). */
  get hasFolded(): boolean {
    return this.aggregator.events > 0 || this.ring.size > 0;
  }

  /** Appends one request: O(1), no allocation beyond the array's amortised growth. */
  add(event: RecordedRequest): void {
    // Only an append here: folding into the cells walks several maps, which costs far less done
    // for a turn's requests together (warm caches) than spread between requests' own work.
    this.unfolded.push(event);
    if (this.unfolded.length >= MAX_UNFOLDED) this.fold();
    else if (!this.foldScheduled) {
      this.foldScheduled = true;
      setImmediate(this.foldSoon);
    }
  }

  // One bound function for the window's life, so scheduling a fold allocates nothing per request.
  private readonly foldSoon = (): void => {
    this.foldScheduled = false;
    this.fold();
  };

  /** Folds the requests recorded since the last fold into the cells and keeps their rows. */
  fold(): void {
    const events = this.unfolded;
    if (events.length === 0) return;
    this.unfolded = this.spare;
    this.spare = events;
    for (let i = 0; i < events.length; i++) {
      // biome-ignore lint/style/noNonNullAssertion: i < events.length
      this.foldOne(events[i]!);
    }
    events.length = 0;
    if (this.ring.size >= this.options.batchMaxEvents) this.options.onRowsDue();
  }

  private foldOne(event: RecordedRequest): void {
    const { counters, logger, sampler, maxBufferedEvents } = this.options;
    // One malformed event would make the worker refuse its whole batch: drop and count it here.
    // The fields the counts are made of are checked for every request; a kept row in full when cut.
    if (!countable(event)) {
      counters.dropped++;
      counters.invalid++;
      if (counters.invalid === 1 || counters.invalid % 10_000 === 0)
        logger.error(
          { invalid: counters.invalid },
          'analytics: dropped malformed request events (a gateway bug)',
        );
      return;
    }
    if (!this.aggregator.add(event)) {
      counters.dropped++;
      return;
    }
    // Every error is kept, and so is every request the gateway marked with a code while letting
    // it through (report-only validation): the explorer shows what enforcing would refuse.
    const always = isErrorStatus(event.status) || event.errorCode !== null;
    if (!always && !sampler.keep(event.apiId, event.time)) return;
    counters.rowsKept++;
    if (this.ring.size + this.rowsInFlight >= maxBufferedEvents) {
      // The batch being sent is immutable; make room by dropping the oldest waiting row, or
      // this one when nothing is waiting (only possible when maxBuffered equals batchMax).
      counters.rowsDropped++;
      if (!this.ring.dropOldest()) return;
    }
    // The recorder owns recorded events: the row is the event itself, marked.
    const row = event as KeptRow;
    row.sampled = !always;
    this.ring.push(row);
  }

  /**
   * Lets the waiting rows go under backpressure, keeping the counts (bounded by maxSeries): the
   * explorer loses rows, the rollups lose nothing until the series bound is reached.
   */
  shedRows(): void {
    const size = this.ring.size;
    if (size === 0) return;
    this.options.counters.rowsShed += size;
    this.options.counters.rowsDropped += size;
    this.ring.take(size);
  }

  /** Cuts every folded count and up to a batch of rows into the batch `id`. */
  cut(id: string): PendingBatch {
    return {
      id,
      aggregate: this.aggregator.drain(),
      rows: this.validRows(this.ring.take(this.options.batchMaxEvents)),
      attempts: 0,
    };
  }

  /** Forgets everything held (the caller counts it as lost first). */
  clear(): void {
    this.ring.take(this.ring.size);
    this.aggregator.clear();
  }

  /** Rows whose other fields are malformed leave the log (their counts are already in). */
  private validRows(rows: KeptRow[]): KeptRow[] {
    const valid = rows.filter((row) => recordedEventProblem(row) === null);
    if (valid.length < rows.length) {
      this.options.counters.rowsDropped += rows.length - valid.length;
      this.options.logger.error(
        { invalid: rows.length - valid.length },
        'analytics: dropped malformed request-log rows (a gateway bug)',
      );
    }
    return valid;
  }
}
