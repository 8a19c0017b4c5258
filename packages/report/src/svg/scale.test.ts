import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCompact, linearScale, linearTicks, logScale, logTicks, niceStep, paddedDomain } from './scale.js';

describe('scales', () => {
  it('maps domain ends onto range ends, inverted for a y axis', () => {
    const sy = linearScale([0, 10], [300, 20]);
    expect(sy(0)).toBe(300);
    expect(sy(10)).toBe(20);
    expect(sy(5)).toBe(160);
    const sx = logScale([1, 1000], [0, 300]);
    expect(sx(10)).toBeCloseTo(100, 10);
  });

  it('pads a single value into a ±10% window and ignores non-positive values on a log axis', () => {
    expect(paddedDomain([5], false, 0)).toEqual([4.5, 5.5]);
    expect(paddedDomain([0, -1, 100, 1000], true, 0)).toEqual([100, 1000]);
    // A million-point curve: spreading it into Math.min would overflow the stack.
    const many = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(paddedDomain(many, false, 0)).toEqual([0, 999_999]);
    expect(paddedDomain([Number.NaN], false)).toBeNull();
  });
});

describe('ticks', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(0.7, 5)).toBe(0.2);
    expect(linearTicks(0.1, 0.95, 5)).toEqual([0.2, 0.4, 0.6, 0.8]);
  });

  it('puts log ticks at powers of ten over wide ranges and at 1-2-5 multiples over narrow ones', () => {
    expect(logTicks(1e6, 1e9)).toEqual([1e6, 1e7, 1e8, 1e9]);
    expect(logTicks(1e3, 2e18, 7)).toEqual([1e3, 1e6, 1e9, 1e12, 1e15, 1e18]);
    expect(logTicks(1.5e6, 7.5e6)).toEqual([2e6, 3e6, 4e6, 5e6, 6e6, 7e6]);
  });

  it('keeps every linear tick inside the domain, increasing', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (lo, span) => {
        const ticks = linearTicks(lo, lo + span, 5);
        expect(ticks.length).toBeGreaterThanOrEqual(1);
        expect(ticks.length).toBeLessThanOrEqual(12);
        for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]!).toBeGreaterThan(ticks[i - 1]!);
      }),
    );
  });
});

describe('formatCompact', () => {
  it('writes 3 significant digits with SI suffixes', () => {
    expect(formatCompact(60_506_624)).toBe('60.5M');
    expect(formatCompact(1.2e15)).toBe('1.2P');
    expect(formatCompact(2000)).toBe('2k');
    expect(formatCompact(0.25)).toBe('0.25');
    expect(formatCompact(Number.NaN)).toBe('–');
  });
});
