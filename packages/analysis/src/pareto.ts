// Pareto frontier on one cost axis and one quality axis, in O(n log n): sort by cost, then sweep keeping the best
// quality seen at strictly lower cost.
import { AnalysisError } from './errors.js';

/** A candidate: a run id with its cost (x) and quality (y). */
export interface ParetoPoint {
  id: string;
  x: number;
  y: number;
}

export interface ParetoOptions {
  /** Lower x is better (params, FLOPs, wall seconds). Set false for axes like tokens/s. @defaultValue true */
  minimizeX?: boolean;
  /** Higher y is better (scores, negative log-perplexity); false for losses and errors. */
  maximizeY: boolean;
}

/**
 * The points no other point dominates. `p` dominates `q` when p is at least as good on both axes and strictly
 * better on one. Ties are deterministic: exact duplicates (same x and y) do not dominate each other, so all of them
 * stay on the frontier. Points whose x or y is not finite are not candidates.
 *
 * Returns the original objects ordered from the best x to the worst (ascending x when minimising), then by id.
 * O(n log n) time, O(n) memory.
 */
export function paretoFrontier<P extends ParetoPoint>(points: readonly P[], options: ParetoOptions): P[] {
  const xSign = options.minimizeX === false ? -1 : 1;
  const ySign = options.maximizeY ? 1 : -1;
  if (typeof options.maximizeY !== 'boolean') {
    throw new AnalysisError('INVALID_INPUT', `paretoFrontier: maximizeY must be a boolean, got ${String(options.maximizeY)}`);
  }
  // Work in a normalised frame where smaller x and larger y are better.
  const candidates = points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .map((p) => ({ p, x: xSign * p.x, y: ySign * p.y }));
  candidates.sort((a, b) => a.x - b.x || b.y - a.y || compareIds(a.p.id, b.p.id));

  const frontier: P[] = [];
  let bestYAtLowerX = -Infinity;
  let i = 0;
  while (i < candidates.length) {
    // One group of equal x: its first member holds the group's best y (sort order).
    const groupX = candidates[i]!.x;
    const groupBestY = candidates[i]!.y;
    // A point at lower x with an equal y dominates the whole group (better x, equal y), hence the strict test.
    const groupOnFrontier = groupBestY > bestYAtLowerX;
    while (i < candidates.length && candidates[i]!.x === groupX) {
      const c = candidates[i]!;
      if (groupOnFrontier && c.y === groupBestY) frontier.push(c.p);
      i += 1;
    }
    if (groupBestY > bestYAtLowerX) bestYAtLowerX = groupBestY;
  }
  return frontier;
}

/** Code-unit order, independent of the locale, so results are the same on every machine. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
