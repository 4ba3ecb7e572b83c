import { crc16, redisKeySlot } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { groupBySlot } from './key-slot.js';

describe('redisKeySlot', () => {
  it('computes CRC16/XMODEM with the check value the cluster spec gives ("123456789" → 0x31C3)', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it('agrees with CLUSTER KEYSLOT of Redis 7 for plain keys, hash tags and their edge cases', () => {
    // Each value was read from `CLUSTER KEYSLOT <key>` on a cluster-enabled redis-server 7.0.
    const slots: Record<string, number> = {
      '123456789': 12739,
      foo: 12182,
      bar: 5061,
      somekey: 11058,
      'foo{hash_tag}': 2515,
      '{user1000}.following': 3443,
      '{portico:rl:pln_1:con_1}:rl': 12188,
      // "{}" is no hash tag: the whole key is hashed.
      'a{}b': 13694,
      '{}': 15257,
      // The tag runs from the first "{" to the first "}" after it.
      'x{{y}z': 15133,
      // Redis hashes bytes: the UTF-8 encoding of the tag.
      'ü{é}': 10180,
      '': 0,
    };
    for (const [key, slot] of Object.entries(slots))
      expect([key, redisKeySlot(key)]).toEqual([key, slot]);
  });

  it('puts every key of one subject in one slot', () => {
    const tag = '{portico:rl:pln_1:ip:2001:db8::1}';
    const slot = redisKeySlot(`${tag}:rl`);
    expect(redisKeySlot(`${tag}:q:day`)).toBe(slot);
    expect(redisKeySlot(`${tag}:q:month`)).toBe(slot);
  });
});

describe('groupBySlot', () => {
  it('splits a batch into one group per slot, keeping submission order within and across groups', () => {
    expect(groupBySlot([5, 7, 5, 9, 7, 5], 6)).toEqual([[0, 2, 5], [1, 4], [3]]);
  });

  it('returns one group when every check shares a slot', () => {
    expect(groupBySlot([42, 42, 42], 3)).toEqual([[0, 1, 2]]);
  });

  it('looks only at the first `count` positions', () => {
    expect(groupBySlot([1, 2, 3, 4], 2)).toEqual([[0], [1]]);
  });
});
