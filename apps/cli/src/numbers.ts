// Budget numbers as people type them: 1e9, 60M, 1.2B, 350k, 2.5T, 1_000_000.
import { UsageError } from './command.js';

/** Multipliers of the accepted suffixes (case-insensitive; G and B are both 10^9, there is no milli here). */
const SUFFIXES: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, g: 1e9, b: 1e9, t: 1e12, p: 1e15 };

/**
 * Parse a positive quantity: a decimal or scientific number with an optional k/M/B(G)/T/P suffix and `_` or `,`
 * digit separators. Returns null when the text is not such a number.
 */
export function parseQuantity(text: string): number | null {
  const match = /^([0-9][0-9_,]*(?:\.[0-9]+)?|\.[0-9]+)(?:e([+-]?[0-9]+))?\s*([a-z])?$/i.exec(text.trim());
  if (match === null) return null;
  const [, mantissa = '', exponent, suffix] = match;
  // A separator must sit between digit groups: "1,000" and "1_000" yes, "1,,0" or "1_" no.
  if (/[_,]{2}|[_,]$|[_,]\./.test(mantissa)) return null;
  const multiplier = suffix === undefined ? 1 : SUFFIXES[suffix.toLowerCase()];
  if (multiplier === undefined) return null;
  const value = Number(mantissa.replace(/[_,]/g, '')) * 10 ** Number(exponent ?? 0) * multiplier;
  return Number.isFinite(value) ? value : null;
}

/** A flag's positive quantity; UsageError naming the flag and the value when it is not one. */
export function quantityOption(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = parseQuantity(raw);
  if (value === null || value <= 0) {
    throw new UsageError(`--${flag}: expected a positive number like 1e9, 60M or 1.2B, got ${JSON.stringify(raw)}`);
  }
  return value;
}
