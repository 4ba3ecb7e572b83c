import { describe, expect, it } from 'vitest';
import { describeOutcome } from '../src/commands/apply';

const change = [{ kind: 'service', name: 'orders', action: 'update' }];

describe('describeOutcome', () => {
  it('names the published version and a short hash', () => {
    expect(
      describeOutcome(false, {
        changes: change,
        published: { number: 7, hash: 'ab'.repeat(32) },
        wouldPublish: true,
      }),
    ).toBe('published version 7 (sha256 abababababab)');
  });

  it('says "no changes" when nothing changed and nothing was published', () => {
    expect(describeOutcome(false, { changes: [], published: null, wouldPublish: false })).toBe(
      'no changes',
    );
    expect(describeOutcome(true, { changes: [], published: null, wouldPublish: false })).toBe(
      'no changes',
    );
  });

  it('explains changes that need no new version (consumers only)', () => {
    expect(describeOutcome(false, { changes: change, published: null, wouldPublish: false })).toBe(
      'applied; the gateway configuration is unchanged, so no version was published',
    );
  });

  it('says whether a dry run would publish', () => {
    expect(describeOutcome(true, { changes: change, published: null, wouldPublish: true })).toBe(
      'dry run: nothing was changed; applying would publish a new version',
    );
    expect(describeOutcome(true, { changes: [], published: null, wouldPublish: true })).toBe(
      'dry run: nothing was changed; applying would publish a new version',
    );
  });
});
