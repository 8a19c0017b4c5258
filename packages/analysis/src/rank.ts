// Rank correlation: does ranking runs by upstream quality give the same order as ranking them by downstream
// quality? (The paper's central check.) Spearman with average ranks for ties, Kendall's tau-b in O(n log n), and
// grouping of runs into equal-parameter groups.
import { AnalysisError } from './errors.js';

/**
 * 1-based ranks of `values` in ascending order; tied values share the mean of the ranks they span
 * (e.g. [10, 20, 20, 30] → [1, 2.5, 2.5, 4]). O(n log n).
 */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end += 1;
    // Positions start..end-1 hold equal values: ranks start+1..end, whose mean is (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k += 1) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rank correlation of paired samples: the Pearson correlation of their average ranks, in [-1, 1].
 * Returns null when it is undefined: fewer than 2 pairs, or one side constant. Throws on unequal lengths or
 * non-finite values. O(n log n).
 */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  checkPairs('spearman', a, b);
  if (a.length < 2) return null;
  return pearson(averageRanks(a), averageRanks(b));
}

/** Pearson correlation; null when either side has zero variance. */
export function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i += 1) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i += 1) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  if (varA === 0 || varB === 0) return null;
  // Clamp rounding noise so a perfect agreement reads exactly ±1.
  return Math.max(-1, Math.min(1, cov / Math.sqrt(varA * varB)));
}

/**
 * Kendall's tau-b (tie-corrected) of paired samples, in [-1, 1]; null when undefined (fewer than 2 pairs or one side
 * constant). Knight's algorithm: sort by (a, b), count discordant pairs as merge-sort swaps on b. O(n log n).
 */
export function kendallTau(a: readonly number[], b: readonly number[]): number | null {
  checkPairs('kendallTau', a, b);
  const n = a.length;
  if (n < 2) return null;
  const order = a.map((_, i) => i).sort((i, j) => a[i]! - a[j]! || b[i]! - b[j]!);
  const totalPairs = (n * (n - 1)) / 2;
  // Pairs tied on a (tiesA) and tied on both (tiesBoth), from runs in the (a, b)-sorted order.
  let tiesA = 0;
  let tiesBoth = 0;
  let runA = 1;
  let runBoth = 1;
  for (let k = 1; k <= n; k += 1) {
    const sameA = k < n && a[order[k]!] === a[order[k - 1]!];
    const sameBoth = sameA && b[order[k]!] === b[order[k - 1]!];
    if (sameA) runA += 1;
    else {
      tiesA += (runA * (runA - 1)) / 2;
      runA = 1;
    }
    if (sameBoth) runBoth += 1;
    else {
      tiesBoth += (runBoth * (runBoth - 1)) / 2;
      runBoth = 1;
    }
  }
  // Sorting the b sequence counts the pairs out of order in b: exactly the discordant pairs.
  const bs = order.map((i) => b[i]!);
  const swaps = mergeSortCountingSwaps(bs);
  let tiesB = 0;
  let runB = 1;
  for (let k = 1; k <= n; k += 1) {
    if (k < n && bs[k] === bs[k - 1]) runB += 1;
    else {
      tiesB += (runB * (runB - 1)) / 2;
      runB = 1;
    }
  }
  const denominator = Math.sqrt((totalPairs - tiesA) * (totalPairs - tiesB));
  if (denominator === 0) return null;
  const concordantMinusDiscordant = totalPairs - tiesA - tiesB + tiesBoth - 2 * swaps;
  return Math.max(-1, Math.min(1, concordantMinusDiscordant / denominator));
}

/** Sorts `xs` in place (ascending) and returns the number of inversions (pairs i < j with xs[i] > xs[j]). */
function mergeSortCountingSwaps(xs: number[]): number {
  const buffer = new Array<number>(xs.length);
  let swaps = 0;
  for (let width = 1; width < xs.length; width *= 2) {
    for (let lo = 0; lo < xs.length - width; lo += 2 * width) {
      const mid = lo + width;
      const hi = Math.min(lo + 2 * width, xs.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (xs[j]! < xs[i]!) {
          // xs[j] jumps over every remaining left element: that many inversions.
          swaps += mid - i;
          buffer[k++] = xs[j++]!;
        } else buffer[k++] = xs[i++]!;
      }
      while (i < mid) buffer[k++] = xs[i++]!;
      while (j < hi) buffer[k++] = xs[j++]!;
      for (let m = lo; m < hi; m += 1) xs[m] = buffer[m]!;
    }
  }
  return swaps;
}

function checkPairs(fn: string, a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) {
    throw new AnalysisError('INVALID_INPUT', `${fn}: samples differ in length (${a.length} vs ${b.length})`);
  }
  for (let i = 0; i < a.length; i += 1) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) {
      throw new AnalysisError('INVALID_INPUT', `${fn}: pair ${i} is not finite (${String(a[i])}, ${String(b[i])})`);
    }
  }
}

/** Default width of an equal-parameter group: members within +10% of the group's smallest member. */
export const DEFAULT_PARAM_GROUP_TOLERANCE = 0.1;

/** A group of items whose values are within a relative tolerance of the group's first (smallest) member. */
export interface ToleranceGroup<T> {
  /** Stable label: `~<first value>` (e.g. `~60506624`). */
  key: string;
  /** Smallest and largest value in the group. */
  min: number;
  max: number;
  items: T[];
}

/**
 * Buckets items into groups of "equal" value (typically parameter counts): sorted ascending, the first item opens a
 * group and every next item with value ≤ first·(1 + relativeTolerance) joins it; the first item beyond opens the
 * next group. So a group spans at most +relativeTolerance above its first member (DeepNarrow cells matched to
 * within a few percent of their reference land together). Greedy, deterministic (ties by input order), O(n log n).
 * Items with a non-finite value are left out.
 *
 * @param relativeTolerance group width relative to its first member. @defaultValue 0.1 (DEFAULT_PARAM_GROUP_TOLERANCE)
 */
export function groupByRelativeTolerance<T>(
  items: readonly T[],
  value: (item: T) => number,
  relativeTolerance: number = DEFAULT_PARAM_GROUP_TOLERANCE,
): ToleranceGroup<T>[] {
  if (!(relativeTolerance >= 0) || !Number.isFinite(relativeTolerance)) {
    throw new AnalysisError('INVALID_INPUT', `groupByRelativeTolerance: relativeTolerance must be ≥ 0, got ${relativeTolerance}`);
  }
  const sorted = items
    .map((item, index) => ({ item, index, v: value(item) }))
    .filter((e) => Number.isFinite(e.v))
    .sort((p, q) => p.v - q.v || p.index - q.index);
  const groups: ToleranceGroup<T>[] = [];
  let current: ToleranceGroup<T> | undefined;
  for (const e of sorted) {
    const limit = current === undefined ? -Infinity : current.min + Math.abs(current.min) * relativeTolerance;
    if (current === undefined || e.v > limit) {
      current = { key: `~${e.v}`, min: e.v, max: e.v, items: [e.item] };
      groups.push(current);
    } else {
      current.items.push(e.item);
      current.max = e.v;
    }
  }
  return groups;
}

/** A pair of measurements of one item, e.g. (upstream, downstream) of one run. */
export interface RankPair {
  a: number;
  b: number;
}

export interface GroupCorrelation {
  key: string;
  n: number;
  /** Spearman within the group; null when undefined (fewer than 2 items or a constant side). */
  spearman: number | null;
}

export interface WithinGroupsCorrelation {
  groups: GroupCorrelation[];
  /**
   * Mean of the defined group correlations weighted by group size (a group of 5 counts 5×), null when no group has
   * one. Single-item groups carry no ranking information and are left out of the mean.
   */
  meanSpearman: number | null;
  /** Items in groups that contributed to meanSpearman. */
  n: number;
}

/**
 * Spearman between a and b computed separately inside each group (e.g. equal-parameter groups from
 * groupByRelativeTolerance) — the paper's "at equal parameters, does upstream predict downstream?". Groups keep the
 * order of first appearance.
 */
export function spearmanWithinGroups<T extends RankPair>(
  items: readonly T[],
  groupKey: (item: T) => string,
): WithinGroupsCorrelation {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = groupKey(item);
    const members = byKey.get(key);
    if (members === undefined) byKey.set(key, [item]);
    else members.push(item);
  }
  const groups: GroupCorrelation[] = [];
  let weighted = 0;
  let n = 0;
  for (const [key, members] of byKey) {
    const rho = spearman(
      members.map((m) => m.a),
      members.map((m) => m.b),
    );
    groups.push({ key, n: members.length, spearman: rho });
    if (rho !== null) {
      weighted += rho * members.length;
      n += members.length;
    }
  }
  return { groups, meanSpearman: n === 0 ? null : weighted / n, n };
}
