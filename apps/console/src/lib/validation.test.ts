import { ZBasePath, ZName, ZTarget } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorAt, validate } from './validation';

const ZForm = z.object({ name: ZName, basePath: ZBasePath, targets: z.array(ZTarget) });

describe('validate with the shared schemas', () => {
  it('indexes each message by its dotted path', () => {
    const result = validate(ZForm, {
      name: '-bad',
      basePath: 'orders',
      targets: [{ host: '169.254.169.254', port: 80 }],
    });
    expect(result.ok).toBe(false);
    expect(result.errors.name).toMatch(/must start with a letter or digit/);
    expect(result.errors.basePath).toMatch(/must be "\/" or start with "\/"/);
    expect(result.errors['targets.0.host']).toMatch(/link-local/);
  });

  it('returns the parsed data, defaults applied, when valid', () => {
    const result = validate(ZForm, {
      name: 'orders',
      basePath: '/orders',
      targets: [{ host: '127.0.0.1', port: 8080 }],
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.data.targets[0]?.weight).toBe(100);
  });

  it('errorAt finds a message at a path or anywhere below it', () => {
    const errors = { 'targets.0.port': 'too big', name: 'empty' };
    expect(errorAt(errors, 'name')).toBe('empty');
    expect(errorAt(errors, 'targets')).toBe('too big');
    expect(errorAt(errors, 'basePath')).toBeUndefined();
  });
});
