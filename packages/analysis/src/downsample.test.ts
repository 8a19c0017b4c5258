import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lttb, lttbIndices, minMaxDownsample, minMaxIndices, type XY } from './downsample.js';

const curve = (ys: readonly number[]): XY[] => ys.map((y, x) => ({ x, y }));

function firstIndexOf(ys: readonly number[], pickLower: boolean): number {
  let best = -1;
  ys.forEach((y, i) => {
    if (!Number.isFinite(y)) return;
    if (best === -1 || (pickLower ? y < ys[best]! : y > ys[best]!)) best = i;
  });
  return best;
}

const methods = [
  ['lttb', (ys: readonly number[], max: number) => lttbIndices(ys.map((_, i) => i), ys, max)],
  ['minMaxDownsample', (ys: readonly number[], max: number) => minMaxIndices(ys, max)],
] as const;

describe.each(methods)('%s', (_name, downsample) => {
  it('returns short inputs unchanged', () => {
    expect(downsample([3, 1, 2], 5)).toEqual([0, 1, 2]);
    expect(downsample([], 5)).toEqual([]);
  });

  it('keeps first, last, global min and max, in order, within max(maxPoints, 4) points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 2, max: 60 }),
        (ys, maxPoints) => {
          const kept = downsample(ys, maxPoints);
          if (ys.length <= maxPoints) {
            expect(kept).toEqual(ys.map((_, i) => i));
            return;
          }
          for (let i = 1; i < kept.length; i += 1) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
          expect(kept[0]).toBe(0);
          expect(kept[kept.length - 1]).toBe(ys.length - 1);
          const lo = firstIndexOf(ys, true);
          const hi = firstIndexOf(ys, false);
          if (lo !== -1) expect(kept).toContain(lo);
          if (hi !== -1) expect(kept).toContain(hi);
          expect(kept.length).toBeLessThanOrEqual(Math.max(maxPoints, 4));
          if (maxPoints >= 4) expect(kept.length).toBeLessThanOrEqual(maxPoints);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a maxPoints below 2 or not an integer', () => {
    expect(() => downsample([1, 2, 3], 1)).toThrow('maxPoints must be an integer ≥ 2, got 1');
    expect(() => downsample([1, 2, 3], 2.5)).toThrow('got 2.5');
  });
});

describe('lttb', () => {
  it('keeps the peak of a single spike and returns the original point objects', () => {
    const points = curve(Array.from({ length: 1000 }, (_, i) => (i === 637 ? 50 : Math.sin(i / 50))));
    const kept = lttb(points, 100);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept).toContain(points[637]);
    expect(kept[0]).toBe(points[0]);
  });

  it('picks, per bucket, the point making the largest triangle (hand-checked 7 → 4)', () => {
    // Middle points 1..5 in 2 buckets: [1, 2] then [3, 4, 5]. From (0,0) with the next bucket’s average (4, −3):
    // point 2 makes area 26 against point 1’s 7; from (2,5) towards the last point (6,0): areas 15, 46, 5 → point 4.
    // Global min (index 4) and max (index 2) are already kept, so LTTB runs with the full budget of 4.
    const ys = [0, 1, 5, 0, -9, 0, 0];
    expect(lttbIndices(ys.map((_, i) => i), ys, 4)).toEqual([0, 2, 4, 6]);
  });
});

describe('minMaxDownsample', () => {
  it('keeps each bucket’s low and high point (hand-checked 10 → 6)', () => {
    // Middle points 1..8 in 2 buckets of 4: [1..4] → min index 2 (−1), max index 3 (7); [5..8] → min 8 (−2), max 6 (4).
    const ys = [0, 1, -1, 7, 2, 3, 4, 0, -2, 0];
    expect(minMaxIndices(ys, 6)).toEqual([0, 2, 3, 6, 8, 9]);
    expect(minMaxDownsample(curve(ys), 6).map((p) => p.y)).toEqual([0, -1, 7, 4, -2, 0]);
  });
});
