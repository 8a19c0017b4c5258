// Human-readable counts for tables and messages (the JSON outputs keep exact numbers).

const UNITS = [
  { factor: 1e15, suffix: 'P' },
  { factor: 1e12, suffix: 'T' },
  { factor: 1e9, suffix: 'G' },
  { factor: 1e6, suffix: 'M' },
  { factor: 1e3, suffix: 'k' },
] as const;

/**
 * Decimal SI form with `digits` fraction digits: 222903552 → "222.9M", 425311741440 → "425.3G", 512 → "512".
 * From 1e18 on, scientific notation ("2.9e19"), the form scaling-law papers quote training FLOPs in.
 */
export function formatSi(value: number, digits = 1): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e18) return value.toExponential(digits).replace('e+', 'e');
  for (const { factor, suffix } of UNITS) {
    if (magnitude >= factor) return `${(value / factor).toFixed(digits)}${suffix}`;
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}
