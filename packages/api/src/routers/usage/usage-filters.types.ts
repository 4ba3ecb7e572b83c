import { z } from 'zod';
import { ZId } from '../../services/shared/schemas';

/** An instant as ISO-8601 text (or epoch ms); JSON has no dates. */
export const ZInstant = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()])
  .transform((v) => new Date(v));

/** Longest window any usage query reads (hourly rollups are kept; raw minutes are compacted). */
export const MAX_WINDOW_DAYS = 400;

export const ZUsageWindowFields = { from: ZInstant, to: ZInstant };

/** The API, route, consumer and key a usage query may narrow to. */
export const ZUsageEntityFilterFields = {
  apiId: ZId.optional(),
  routeId: ZId.optional(),
  consumerId: ZId.optional(),
  keyId: ZId.optional(),
};

export const ZUsageFilterFields = {
  ...ZUsageEntityFilterFields,
  statusClass: z.number().int().min(1).max(5).optional(),
};

/** Refinement shared by windowed inputs: `to` after `from`, and not wider than MAX_WINDOW_DAYS. */
export function checkWindow(value: { from: Date; to: Date }, ctx: z.RefinementCtx): void {
  if (value.to.getTime() <= value.from.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  } else if (value.to.getTime() - value.from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `the window may span at most ${MAX_WINDOW_DAYS} days`,
    });
  }
}

/** How finely a usage series is bucketed. */
export const ZGranularity = z.enum(['minute', 'hour', 'day']);

/**
 * A usage input over a window, checked by checkWindow; each query adds its own fields with
 * `.safeExtend`, which keeps the check.
 */
export const ZUsageWindowInput = z.object(ZUsageWindowFields).superRefine(checkWindow);
