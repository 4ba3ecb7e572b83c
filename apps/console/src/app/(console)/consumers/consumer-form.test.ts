import { describe, expect, it } from 'vitest';
import { validate } from '../../../lib/validation';
import { ZConsumerForm } from './consumer-form';

describe('the consumer form schema', () => {
  it('refuses a webhook URL aimed at the cloud metadata address, as the server does', () => {
    const result = validate(ZConsumerForm, {
      name: 'acme',
      webhookUrl: 'http://169.254.169.254/latest/meta-data',
    });
    expect(result.ok).toBe(false);
    expect(result.errors.webhookUrl).toMatch(/link-local/);
  });

  it('refuses a webhook URL carrying credentials', () => {
    const result = validate(ZConsumerForm, {
      name: 'acme',
      webhookUrl: 'https://user:secret@hooks.example.com/quota',
    });
    expect(result.errors.webhookUrl).toMatch(/must not contain credentials/);
  });

  it('accepts an ordinary https webhook URL and no URL at all', () => {
    expect(
      validate(ZConsumerForm, { name: 'acme', webhookUrl: 'https://hooks.example.com/quota' }).ok,
    ).toBe(true);
    expect(validate(ZConsumerForm, { name: 'acme' }).ok).toBe(true);
  });
});
