import { z } from 'zod';
import { forbiddenTargetReason } from './target-address';

/**
 * Why a consumer's webhook URL must not be called, or null when it may be. The control plane
 * refuses such URLs when they are set and the worker checks again before each delivery (rows
 * written before the check existed, or a database edited by hand): http(s) only, no credentials
 * in the URL (they would be logged and forwarded), and no link-local or cloud metadata host.
 */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must use http or https, not ${url.protocol.replace(/:$/, '')}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain credentials (user:password@)';
  }
  const reason = forbiddenTargetReason(url.hostname);
  return reason === null ? null : `host ${url.hostname} ${reason}`;
}

/** Where the worker POSTs quota notifications; see webhookUrlProblem for what is refused. */
export const ZWebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .superRefine((url, ctx) => {
    const problem = webhookUrlProblem(url);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
