import { describe, expect, it } from 'vitest';
import { parseQuantity, quantityOption } from './numbers.js';

describe('parseQuantity', () => {
  it.each([
    ['1e9', 1e9],
    ['60M', 60e6],
    ['60m', 60e6],
    ['1.2B', 1.2e9],
    ['1.2G', 1.2e9],
    ['350k', 350e3],
    ['2.5T', 2.5e12],
    ['1_000_000', 1e6],
    ['1,000', 1000],
    ['3.5e-1', 0.35],
    ['.5', 0.5],
    ['2e3k', 2e6],
    [' 42 ', 42],
  ])('reads %j as %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 6);
  });

  it.each(['', 'lots', '1.2.3', '12Q', '1__0', '1_', 'M', '-5', '1e', '1e999'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeNull();
  });
});

describe('quantityOption', () => {
  it('passes an absent flag through and rejects zero naming the flag and the value', () => {
    expect(quantityOption('max-params', undefined)).toBeUndefined();
    expect(quantityOption('max-params', '60M')).toBe(60e6);
    expect(() => quantityOption('max-flops', '0')).toThrow('--max-flops: expected a positive number like 1e9, 60M or 1.2B, got "0"');
  });
});
