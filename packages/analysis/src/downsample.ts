// Curve downsampling for plots: a training curve may hold a million points, a plot needs a few hundred.
// Both methods keep the first and the last point and the global minimum and maximum of y (first occurrence on ties),
// return a subsequence of the input in its order, and run in O(n).
//
// Size bound (both): when n ≤ maxPoints the input comes back unchanged; otherwise the output has at most
// max(maxPoints, r) points, where r ≤ 4 is the number of distinct required indices {first, last, argmin, argmax}.
// So for maxPoints ≥ 4 the output never exceeds maxPoints.
import { AnalysisError } from './errors.js';

export interface XY {
  x: number;
  y: number;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): one point per bucket, the one forming the largest triangle with
 * the previously kept point and the next bucket's average — preserves the visual shape. Required extremes are added
 * on top of a smaller LTTB budget so the total stays within maxPoints.
 */
export function lttb<P extends XY>(points: readonly P[], maxPoints: number): P[] {
  return pick(points, lttbIndices(points.map((p) => p.x), points.map((p) => p.y), maxPoints));
}

/**
 * Min/max per bucket: the middle points are cut into ⌊(maxPoints − 2) / 2⌋ buckets of equal count, each contributing
 * its lowest and highest y (spikes survive, which LTTB may smooth over). Buckets are by index, not by x: curves are
 * logged at (nearly) regular steps.
 */
export function minMaxDownsample<P extends XY>(points: readonly P[], maxPoints: number): P[] {
  return pick(points, minMaxIndices(points.map((p) => p.y), maxPoints));
}

/**
 * LTTB on parallel arrays (cheaper for a million points read column-wise from the database). Returns increasing
 * indices into the input.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number): number[] {
  checkMaxPoints('lttb', maxPoints);
  const n = ys.length;
  if (xs.length !== n) throw new AnalysisError('INVALID_INPUT', `lttb: xs and ys differ in length (${xs.length} vs ${n})`);
  if (n <= maxPoints) return range(n);
  const required = requiredIndices(ys);
  const extraRequired = required.filter((i) => i !== 0 && i !== n - 1).length;
  const threshold = Math.max(2, maxPoints - extraRequired);

  const kept: number[] = [0];
  const buckets = threshold - 2;
  if (buckets > 0) {
    const bucketSize = (n - 2) / buckets;
    let previous = 0;
    for (let b = 0; b < buckets; b += 1) {
      const start = 1 + Math.floor(b * bucketSize);
      const end = 1 + Math.floor((b + 1) * bucketSize);
      // The next bucket's centroid (the last point for the last bucket).
      const nextStart = end;
      const nextEnd = b === buckets - 1 ? n : Math.min(n, 1 + Math.floor((b + 2) * bucketSize));
      let avgX = 0;
      let avgY = 0;
      for (let j = nextStart; j < nextEnd; j += 1) {
        avgX += xs[j]!;
        avgY += ys[j]!;
      }
      const count = nextEnd - nextStart;
      avgX /= count;
      avgY /= count;
      const px = xs[previous]!;
      const py = ys[previous]!;
      let chosen = start;
      let largestArea = -1;
      for (let j = start; j < end; j += 1) {
        // Twice the triangle area; the factor does not change the argmax. NaN areas never win.
        const area = Math.abs((px - avgX) * (ys[j]! - py) - (px - xs[j]!) * (avgY - py));
        if (area > largestArea) {
          largestArea = area;
          chosen = j;
        }
      }
      kept.push(chosen);
      previous = chosen;
    }
  }
  kept.push(n - 1);
  return mergeSorted(kept, required);
}

/** Min/max-per-bucket on a y column; returns increasing indices into the input. */
export function minMaxIndices(ys: ArrayLike<number>, maxPoints: number): number[] {
  checkMaxPoints('minMaxDownsample', maxPoints);
  const n = ys.length;
  if (n <= maxPoints) return range(n);
  const kept: number[] = [0];
  const buckets = Math.floor((maxPoints - 2) / 2);
  if (buckets > 0) {
    const bucketSize = (n - 2) / buckets;
    for (let b = 0; b < buckets; b += 1) {
      const start = 1 + Math.floor(b * bucketSize);
      const end = 1 + Math.floor((b + 1) * bucketSize);
      if (end <= start) continue;
      // Only finite values compete (as in requiredIndices), so a bucket's extremes include any global extreme in it.
      let lo = -1;
      let hi = -1;
      for (let j = start; j < end; j += 1) {
        const y = ys[j]!;
        if (!Number.isFinite(y)) continue;
        if (lo === -1 || y < ys[lo]!) lo = j;
        if (hi === -1 || y > ys[hi]!) hi = j;
      }
      if (lo === -1) kept.push(start);
      else if (lo === hi) kept.push(lo);
      else kept.push(Math.min(lo, hi), Math.max(lo, hi));
    }
  }
  kept.push(n - 1);
  // With buckets ≥ 1 the global extremes are already bucket extremes or endpoints; merging makes that a guarantee
  // (and covers maxPoints < 4, where there are no buckets).
  return mergeSorted(kept, requiredIndices(ys));
}

/** First, last, and the first occurrences of the smallest and largest finite y, sorted and distinct. */
function requiredIndices(ys: ArrayLike<number>): number[] {
  const n = ys.length;
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < n; i += 1) {
    const y = ys[i]!;
    if (!Number.isFinite(y)) continue;
    if (lo === -1 || y < ys[lo]!) lo = i;
    if (hi === -1 || y > ys[hi]!) hi = i;
  }
  const required = [0, n - 1];
  if (lo !== -1) required.push(lo, hi);
  return [...new Set(required)].sort((p, q) => p - q);
}

/** Union of two increasing index lists, increasing and without duplicates. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
  }
  return out;
}

function checkMaxPoints(fn: string, maxPoints: number): void {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new AnalysisError('INVALID_INPUT', `${fn}: maxPoints must be an integer ≥ 2, got ${maxPoints}`);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function pick<P>(points: readonly P[], indices: readonly number[]): P[] {
  return indices.map((i) => points[i]!);
}
