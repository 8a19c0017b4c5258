import { describe, expect, it } from 'vitest';
import { bucketOneHot, relativePositionBucket } from './relative-position.js';

describe('relativePositionBucket', () => {
  it('gives exact buckets for small distances, keys after the query in the upper half (bidirectional)', () => {
    // 16 buckets per direction, 8 of them exact: key 3 before the query → 3; key 3 after → 16 + 3.
    expect(relativePositionBucket(0, true)).toBe(0);
    expect(relativePositionBucket(-3, true)).toBe(3);
    expect(relativePositionBucket(3, true)).toBe(19);
    expect(relativePositionBucket(-7, true)).toBe(7);
  });

  it('spaces larger distances logarithmically up to 128 and clamps beyond (bidirectional)', () => {
    // n ≥ 8: 8 + floor(log(n/8)/log(16)·8). n=12: log(1.5)/log(16)·8 = 1.17 → 9; n=32: 4 → 12; n=100: 7.29 → 15.
    expect(relativePositionBucket(-12, true)).toBe(9);
    expect(relativePositionBucket(-32, true)).toBe(12);
    expect(relativePositionBucket(-100, true)).toBe(15);
    expect(relativePositionBucket(-1000, true)).toBe(15);
    expect(relativePositionBucket(1000, true)).toBe(31);
  });

  it('maps every future key to bucket 0 and uses all 32 buckets for the past (unidirectional)', () => {
    // 16 exact buckets; n ≥ 16: 16 + floor(log(n/16)/log(8)·16). n=20: 1.71 → 17; n=64: 10.67 → 26; n=127: 15.9 → 31.
    expect(relativePositionBucket(5, false)).toBe(0);
    expect(relativePositionBucket(-15, false)).toBe(15);
    expect(relativePositionBucket(-20, false)).toBe(17);
    expect(relativePositionBucket(-64, false)).toBe(26);
    expect(relativePositionBucket(-127, false)).toBe(31);
    expect(relativePositionBucket(-500, false)).toBe(31);
  });

  it('builds one one-hot row per (query, key) pair', () => {
    const rows = bucketOneHot(2, 3, true);
    expect(rows.length).toBe(2 * 3 * 32);
    // query 1, key 0: the key is one position before → bucket 1.
    expect(rows[(1 * 3 + 0) * 32 + 1]).toBe(1);
    for (let r = 0; r < 6; r++) expect(rows.slice(r * 32, (r + 1) * 32).reduce((a, b) => a + b, 0)).toBe(1);
  });
});
