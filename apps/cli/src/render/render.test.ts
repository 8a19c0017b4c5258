import { describe, expect, it } from 'vitest';
import { duration, fixed, percent, si, signed } from './format.js';
import { progressBar } from './progress.js';

describe('progressBar', () => {
  it('fills ASCII bars by whole characters and always keeps the width', () => {
    expect(progressBar(0, { width: 10 })).toBe('..........');
    expect(progressBar(0.55, { width: 10 })).toBe('#####.....');
    expect(progressBar(1, { width: 10 })).toBe('##########');
    expect(progressBar(7, { width: 4 })).toBe('####');
    expect(progressBar(Number.NaN, { width: 4 })).toBe('....');
  });

  it('draws eighths of a cell with Unicode blocks', () => {
    expect(progressBar(0.5, { width: 4, unicode: true })).toBe('██  ');
    expect(progressBar(1 / 32, { width: 4, unicode: true })).toBe('▏   ');
    expect(progressBar(0.99, { width: 4, unicode: true })).toBe('███▉');
    for (let i = 0; i <= 100; i += 1) expect([...progressBar(i / 100, { width: 7, unicode: true })]).toHaveLength(7);
  });
});

describe('formats', () => {
  it('prints durations, numbers and fractions compactly, with - for missing values', () => {
    expect([duration(0), duration(42.4), duration(185), duration(3720), duration(null)]).toEqual(['0s', '42s', '3m05s', '1h02m', '-']);
    expect([si(873_000), si(34.1e9), si(null), si(Number.NaN)]).toEqual(['873.00k', '34.10G', '-', '-']);
    expect([fixed(0.81249), fixed(undefined), signed(0.021), signed(-0.004), percent(0.456), percent(1.2)]).toEqual(['0.812', '-', '+0.021', '-0.004', '46%', '100%']);
  });
});
