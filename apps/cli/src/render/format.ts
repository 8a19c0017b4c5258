// Number and time formats shared by the tables, the progress bars and the report.
import { formatSi } from '@shapesweep/shapes';

/** `—` for a missing value, else the formatter's text. */
export function orDash<T>(value: T | null | undefined, format: (v: T) => string): string {
  return value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? '-' : format(value);
}

/** 1.23M, 45.6G: counts and FLOPs. */
export function si(value: number | null | undefined, digits = 2): string {
  return orDash(value, (v) => formatSi(v, digits));
}

/** A fixed-point number, e.g. a score 0.8125 → "0.813". */
export function fixed(value: number | null | undefined, digits = 3): string {
  return orDash(value, (v) => v.toFixed(digits));
}

/** A signed difference, e.g. +0.021 / -0.004. */
export function signed(value: number | null | undefined, digits = 3): string {
  return orDash(value, (v) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);
}

/** A duration in seconds as 42s, 3m05s, 1h02m; "-" when unknown. */
export function duration(seconds: number | null | undefined): string {
  return orDash(seconds, (s) => {
    const total = Math.max(0, Math.round(s));
    if (total < 60) return `${total}s`;
    const minutes = Math.floor(total / 60);
    if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
    const hours = Math.floor(minutes / 60);
    return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  });
}

/** A fraction as a whole percentage, e.g. 0.456 → "46%". */
export function percent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}
