import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<t>.<body>" in hex, with the timestamp', () => {
    const header = signWebhook('s3cret-s3cret-s3cret', '{"a":1}', 1_700_000_000);
    const mac = createHmac('sha256', 's3cret-s3cret-s3cret')
      .update('1700000000.{"a":1}')
      .digest('hex');
    expect(header).toBe(`t=1700000000,v1=${mac}`);
  });

  it('verifies a good signature and refuses a changed body or another secret', () => {
    const header = signWebhook('s3cret-s3cret-s3cret', 'body', 1);
    expect(verifyWebhookSignature('s3cret-s3cret-s3cret', 'body', header)).toBe(true);
    expect(verifyWebhookSignature('s3cret-s3cret-s3cret', 'body2', header)).toBe(false);
    expect(verifyWebhookSignature('other-secret-other', 'body', header)).toBe(false);
    expect(verifyWebhookSignature('s3cret-s3cret-s3cret', 'body', 'garbage')).toBe(false);
  });
});
