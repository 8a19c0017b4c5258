import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent, formatRelative, parseAmount } from './format.js';

describe('parseAmount', () => {
  it.each([
    ['60000000', 60e6],
    ['6e7', 6e7],
    ['60M', 60e6],
    ['1.5 G', 1.5e9],
    ['2e18', 2e18],
    ['3P', 3e15],
    ['500k', 5e5],
    ['1_000', 1000],
  ])('reads %s as %d', (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  it('returns null for empty input and NaN for text that is not a positive amount', () => {
    expect(parseAmount('  ')).toBeNull();
    for (const bad of ['abc', '-5', '0', '5X', 'M']) expect(parseAmount(bad)).toBeNaN();
  });
});

describe('formatting', () => {
  it('writes durations with the two largest units', () => {
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(725)).toBe('12m 05s');
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe('3h 20m');
    expect(formatDuration(52 * 3600)).toBe('2d 4h');
    expect(formatDuration(null)).toBe('–');
  });

  it('writes scores as percentages and sizes in binary units', () => {
    expect(formatPercent(0.6975)).toBe('69.8%');
    expect(formatPercent(null)).toBe('–');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3.3 * 1024 * 1024)).toBe('3.3 MiB');
  });

  it('writes times relative to now', () => {
    const now = Date.parse('2025-01-10T12:00:00Z');
    expect(formatRelative('2025-01-10T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2025-01-10T11:20:00Z', now)).toBe('40 min ago');
    expect(formatRelative('2025-01-08T12:00:00Z', now)).toBe('2 days ago');
    expect(formatRelative('2024-12-01T12:00:00Z', now)).toBe('2024-12-01');
  });
});
