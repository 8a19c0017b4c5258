// Scales and ticks for the plots: linear and log10 axes, "nice" tick values (1, 2, 5 × 10^k), compact labels.

/** Maps a data value to a pixel coordinate. */
export interface Scale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
  log: boolean;
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  return Object.assign(scale, { domain, range, log: false });
}

/** log10 scale; the domain must be positive. */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const inner = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  const scale = ((v: number) => inner(Math.log10(v))) as Scale;
  return Object.assign(scale, { domain, range, log: true });
}

/**
 * The [min, max] of the finite values (positive only for a log axis), padded by `padFraction` of the span on each
 * side (in log space for log axes) so markers do not sit on the frame. A single value gets a ±10% window.
 * Returns null when no value is usable.
 */
export function paddedDomain(values: readonly number[], log: boolean, padFraction = 0.05): [number, number] | null {
  // A loop, not Math.min(...values): spreading overflows the stack past ~100k values.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return null;
  return padDomain(lo, hi, log, padFraction);
}

/**
 * [lo, hi] padded by `padFraction` of the span on each side (in log space for log axes); a zero span gets a ±10%
 * window (±0.05 decades on a log axis).
 */
export function padDomain(lo: number, hi: number, log: boolean, padFraction = 0.05): [number, number] {
  if (log) {
    let l0 = Math.log10(lo);
    let l1 = Math.log10(hi);
    if (l1 - l0 < 1e-9) {
      l0 -= 0.05;
      l1 += 0.05;
    }
    const pad = (l1 - l0) * padFraction;
    return [Math.pow(10, l0 - pad), Math.pow(10, l1 + pad)];
  }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const half = Math.abs(lo) * 0.1 || 1;
    lo -= half;
    hi += half;
  }
  const pad = (hi - lo) * padFraction;
  return [lo - pad, hi + pad];
}

/** Step of the form {1, 2, 5}·10^k closest above span / targetCount. */
export function niceStep(span: number, targetCount: number): number {
  const raw = span / Math.max(1, targetCount);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const residual = raw / magnitude;
  const factor = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
  return factor * magnitude;
}

/** Tick values at multiples of a nice step inside [lo, hi]. @param targetCount about how many ticks. @defaultValue 5 */
export function linearTicks(lo: number, hi: number, targetCount = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, targetCount);
  const ticks: number[] = [];
  // Round to the step's decimals so 0.1 + 0.2 reads 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k += 1) ticks.push(Number((k * step).toFixed(decimals)));
  return ticks;
}

/**
 * Ticks for a log10 axis: powers of ten (every other one or sparser when the range is wide), adding the 2× and 5×
 * multiples when fewer than 3 decades show, and falling back to linear ticks inside one decade.
 */
export function logTicks(lo: number, hi: number, maxCount = 7): number[] {
  const e0 = Math.ceil(Math.log10(lo) - 1e-9);
  const e1 = Math.floor(Math.log10(hi) + 1e-9);
  const decades = e1 - e0 + 1;
  if (decades >= 3) {
    const every = Math.ceil(decades / maxCount);
    const ticks: number[] = [];
    for (let e = e0; e <= e1; e += 1) if ((e - e0) % every === 0) ticks.push(Math.pow(10, e));
    return ticks;
  }
  const within = (multipliers: readonly number[]): number[] => {
    const ticks: number[] = [];
    for (let e = e0 - 1; e <= e1; e += 1) {
      for (const m of multipliers) {
        const v = m * Math.pow(10, e);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
      }
    }
    return ticks;
  };
  // Fewer than 3 decades: 1-2-5 ticks; under one decade those can be as few as one, so try 1..9 next.
  const coarse = within([1, 2, 5]);
  if (coarse.length >= 4) return coarse;
  const fine = within([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (fine.length >= 3 && fine.length <= maxCount + 2) return fine;
  return coarse.length >= 2 ? coarse : linearTicks(lo, hi, 4);
}

const SI = [
  { value: 1e18, symbol: 'E' },
  { value: 1e15, symbol: 'P' },
  { value: 1e12, symbol: 'T' },
  { value: 1e9, symbol: 'G' },
  { value: 1e6, symbol: 'M' },
  { value: 1e3, symbol: 'k' },
];

/** 3 significant digits with an SI suffix for large magnitudes: 60506624 → "60.5M", 1.2e15 → "1.2P", 0.25 → "0.25". */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  for (const { value: unit, symbol } of SI) {
    if (abs >= unit) return `${trimZeros((value / unit).toPrecision(3))}${symbol}`;
  }
  if (abs === 0) return '0';
  if (abs < 1e-3) return value.toExponential(1);
  return trimZeros(value.toPrecision(3));
}

/** Fixed decimals, or "–" for a missing value. */
export function formatFixed(value: number | null | undefined, decimals: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(decimals) : '–';
}

function trimZeros(text: string): string {
  return text.includes('e') || !text.includes('.') ? text : text.replace(/\.?0+$/, '');
}
