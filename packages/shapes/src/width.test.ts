import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PRESETS, PRESET_NAMES, ShapeError, formatWidthScale, parseWidthScale, scaleDim, scaleWidth } from './index.js';

describe('width scale', () => {
  it('divides dm, ff and kv of base by 8 and keeps depth, heads and vocabulary', () => {
    expect(scaleWidth({ ...PRESETS.base, vocab: 2048 }, 1 / 8)).toEqual({ el: 12, dl: 12, dm: 96, ff: 384, nh: 12, kv: 8, vocab: 2048 });
  });

  it('leaves a shape unchanged at scale 1, even with widths that are not multiples of 8', () => {
    const shape = { el: 3, dl: 2, dm: 500, ff: 1001, nh: 7, kv: 33, vocab: 400 };
    expect(scaleWidth(shape, 1)).toBe(shape);
  });

  it('rounds scaled widths to a multiple of 8, and small ones to an integer no smaller than 1', () => {
    expect(scaleDim(500, 0.5)).toBe(248); // 250 → nearest multiple of 8
    expect(scaleDim(64, 1 / 16)).toBe(4);
    expect(scaleDim(64, 1 / 1000)).toBe(1);
    expect(scaleDim(3072, 2)).toBe(6144);
  });

  it('never yields a width below 1, and yields multiples of 8 from 8 up', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65536 }), fc.double({ min: 1e-6, max: 64, noNaN: true }).filter((s) => s !== 1), (width, s) => {
      const scaled = scaleDim(width, s);
      expect(scaled).toBeGreaterThanOrEqual(1);
      if (scaled >= 8) expect(scaled % 8).toBe(0);
    }));
  });

  it('keeps every preset valid at 1/8 and 1/16', () => {
    for (const size of PRESET_NAMES) {
      for (const s of [1 / 8, 1 / 16]) expect(() => scaleWidth({ ...PRESETS[size], vocab: 2048 }, s)).not.toThrow();
    }
  });

  it('parses fractions, decimals and numbers', () => {
    expect(parseWidthScale('1/8')).toBe(0.125);
    expect(parseWidthScale('0.25')).toBe(0.25);
    expect(parseWidthScale(' 2 ')).toBe(2);
    expect(parseWidthScale(0.5)).toBe(0.5);
  });

  it('formats exact reciprocals as 1/N and others as decimals, round-tripping', () => {
    expect(formatWidthScale(0.125)).toBe('1/8');
    expect(formatWidthScale(1 / 3)).toBe('1/3');
    expect(formatWidthScale(0.75)).toBe('0.75');
    expect(formatWidthScale(2)).toBe('2');
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 64, noNaN: true }), (s) => {
      expect(parseWidthScale(formatWidthScale(s))).toBe(s);
    }));
  });

  it('rejects zero, negative, too large and malformed scales, naming the value', () => {
    const cases: Array<[number | string, string]> = [
      [0, 'widthScale 0: must be greater than 0'],
      [-0.5, 'widthScale -0.5: must be greater than 0'],
      [65, 'widthScale 65: must be at most 64'],
      ['1/0', 'widthScale "1/0": division by zero'],
      ['one eighth', 'widthScale "one eighth": expected a number, "1/N" or a decimal like "0.5"'],
      [Number.NaN, 'widthScale NaN: must be greater than 0'],
    ];
    for (const [input, message] of cases) {
      let caught: unknown;
      try {
        parseWidthScale(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ShapeError);
      expect((caught as ShapeError).field).toBe('widthScale');
      expect((caught as ShapeError).message).toBe(message);
    }
  });
});
