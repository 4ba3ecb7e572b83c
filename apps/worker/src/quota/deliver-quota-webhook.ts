import { webhookUrlProblem } from '@portico/config';
import type { Db } from '@portico/db';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature';

const WEBHOOK_TIMEOUT_MS = 10_000;

export interface DeliverDeps {
  db: Db;
  fetch: typeof fetch;
  secret: string;
  now: Date;
}

/** Thrown for a delivery attempt that should be retried (non-2xx, timeout, refused connection). */
export class WebhookAttemptFailed extends Error {
  override name = 'WebhookAttemptFailed';
}

/**
 * POSTs one quota notification to the consumer's webhook, signed with HMAC-SHA256. Records the
 * attempt on the notification row; `finalAttempt` marks it failed for good when this try fails.
 * A notification already delivered is not sent again (a redelivered job is harmless).
 */
export async function deliverQuotaWebhook(
  deps: DeliverDeps,
  notificationId: string,
  finalAttempt: boolean,
) {
  const n = await deps.db.quotaNotification.findUnique({ where: { id: notificationId } });
  if (!n) return { status: 'missing' as const };
  if (n.webhookStatus === 'delivered' || n.webhookStatus === 'skipped' || n.webhookUrl === null) {
    return { status: n.webhookStatus };
  }
  // The control plane refuses such URLs when they are set; checked again here for rows written
  // before that check or edited in the database, since the worker is the one making the call.
  const refused = webhookUrlProblem(n.webhookUrl);
  if (refused !== null) {
    await deps.db.quotaNotification.update({
      where: { id: n.id },
      data: { webhookStatus: 'skipped', lastError: `webhook URL refused: ${refused}` },
    });
    return { status: 'skipped' as const };
  }
  const body = JSON.stringify({
    type: 'quota.threshold_reached',
    id: n.id,
    subscriptionId: n.subscriptionId,
    consumerId: n.consumerId,
    planId: n.planId,
    thresholdPercent: n.threshold,
    used: n.used,
    limit: n.quotaLimit,
    periodStart: n.periodStart.toISOString(),
    createdAt: n.createdAt.toISOString(),
  });
  let error: string | null = null;
  try {
    const response = await deps.fetch(n.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'portico-webhooks',
        'portico-event-id': n.id,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(
          deps.secret,
          body,
          Math.floor(deps.now.getTime() / 1000),
        ),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299)
      error = `webhook answered HTTP ${response.status}`;
  } catch (err) {
    error = `webhook request failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (error === null) {
    await deps.db.quotaNotification.update({
      where: { id: n.id },
      data: {
        webhookStatus: 'delivered',
        deliveredAt: deps.now,
        attempts: { increment: 1 },
        lastError: null,
      },
    });
    return { status: 'delivered' as const };
  }
  await deps.db.quotaNotification.update({
    where: { id: n.id },
    data: {
      attempts: { increment: 1 },
      lastError: error,
      ...(finalAttempt ? { webhookStatus: 'failed' } : {}),
    },
  });
  throw new WebhookAttemptFailed(error);
}
