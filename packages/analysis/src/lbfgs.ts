// A compact L-BFGS minimiser (Nocedal & Wright, Numerical Optimization, Alg. 7.4/7.5) with a backtracking line
// search that also expands the step while the curvature condition fails (a "More–Thuente-lite": Armijo
// sufficient decrease plus the weak Wolfe curvature test, with safeguarded interpolation). Small problems only
// (a handful of parameters): plain arrays, no allocation tricks.

/** Objective value and gradient at x. */
export interface ValueAndGradient {
  f: number;
  g: number[];
}

export interface LbfgsOptions {
  /** Maximum outer iterations. @defaultValue 500 */
  maxIterations?: number;
  /** Number of (s, y) pairs kept for the inverse-Hessian approximation. @defaultValue 10 */
  memory?: number;
  /** Stop when the largest gradient component is at most this. @defaultValue 1e-10 */
  gradientTolerance?: number;
  /**
   * Stop when an iteration lowers f by at most this relative amount, (f_prev − f) ≤ tol·max(|f_prev|, |f|, 1e-300),
   * on 3 iterations in a row. @defaultValue 1e-13
   */
  relativeTolerance?: number;
  /** Sufficient-decrease constant c1 of the Armijo condition. @defaultValue 1e-4 */
  armijo?: number;
  /** Curvature constant c2 of the (weak) Wolfe condition. @defaultValue 0.9 */
  wolfe?: number;
  /** Maximum function evaluations per line search. @defaultValue 40 */
  maxLineSearchSteps?: number;
}

export interface LbfgsResult {
  x: number[];
  f: number;
  g: number[];
  iterations: number;
  evaluations: number;
  /** True when a tolerance was met; false when iterations ran out or the line search could make no progress. */
  converged: boolean;
  reason: 'gradient' | 'relative-decrease' | 'max-iterations' | 'line-search-failed' | 'non-finite';
}

/** Minimises `fg` from `x0`. `fg` must return a finite value and gradient at x0. */
export function minimizeLbfgs(fg: (x: readonly number[]) => ValueAndGradient, x0: readonly number[], options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.memory ?? 10;
  const gtol = options.gradientTolerance ?? 1e-10;
  const rtol = options.relativeTolerance ?? 1e-13;
  const c1 = options.armijo ?? 1e-4;
  const c2 = options.wolfe ?? 0.9;
  const maxLs = options.maxLineSearchSteps ?? 40;

  let x = [...x0];
  let { f, g } = fg(x);
  let evaluations = 1;
  const done = (iterations: number, converged: boolean, reason: LbfgsResult['reason']): LbfgsResult => ({
    x,
    f,
    g,
    iterations,
    evaluations,
    converged,
    reason,
  });
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) return done(0, false, 'non-finite');

  const sHistory: number[][] = [];
  const yHistory: number[][] = [];
  const rhoHistory: number[] = [];
  let smallDecreases = 0;

  for (let iter = 0; iter < maxIterations; iter += 1) {
    if (maxAbs(g) <= gtol) return done(iter, true, 'gradient');

    let d = twoLoopDirection(g, sHistory, yHistory, rhoHistory);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // The approximation lost positive definiteness (or rounding): restart from steepest descent.
      sHistory.length = yHistory.length = rhoHistory.length = 0;
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    // First step of a fresh history: scale so the first trial moves x by about 1 unit (the Hessian scale is unknown).
    const initialStep = sHistory.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;

    const ls = lineSearch(fg, x, f, slope, d, initialStep, c1, c2, maxLs);
    evaluations += ls.evaluations;
    if (ls.x === undefined) {
      if (sHistory.length > 0) {
        // Retry once along steepest descent with a cleared memory before giving up.
        sHistory.length = yHistory.length = rhoHistory.length = 0;
        continue;
      }
      return done(iter, maxAbs(g) <= Math.sqrt(gtol), 'line-search-failed');
    }

    const s = ls.x.map((v, i) => v - x[i]!);
    const y = ls.g!.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    const previousF = f;
    x = ls.x;
    f = ls.f!;
    g = ls.g!;
    // Keep the pair only when it carries positive curvature, so the implicit inverse Hessian stays positive definite.
    if (sy > 1e-300 * Math.max(1, dot(y, y))) {
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
      if (sHistory.length > memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
    }
    const decrease = previousF - f;
    smallDecreases = decrease <= rtol * Math.max(Math.abs(previousF), Math.abs(f), 1e-300) ? smallDecreases + 1 : 0;
    if (smallDecreases >= 3) return done(iter + 1, true, 'relative-decrease');
  }
  return done(maxIterations, maxAbs(g) <= gtol, 'max-iterations');
}

/** H·(−g) by the two-loop recursion, with the initial Hessian scaled by sᵀy / yᵀy of the newest pair. */
function twoLoopDirection(g: readonly number[], ss: readonly number[][], ys: readonly number[][], rhos: readonly number[]): number[] {
  const q = g.map((v) => -v);
  const alphas = new Array<number>(ss.length);
  for (let k = ss.length - 1; k >= 0; k -= 1) {
    const alpha = rhos[k]! * dot(ss[k]!, q);
    alphas[k] = alpha;
    axpy(-alpha, ys[k]!, q);
  }
  const newest = ss.length - 1;
  if (newest >= 0) {
    const gamma = dot(ss[newest]!, ys[newest]!) / dot(ys[newest]!, ys[newest]!);
    for (let i = 0; i < q.length; i += 1) q[i]! *= gamma;
  }
  for (let k = 0; k < ss.length; k += 1) {
    const beta = rhos[k]! * dot(ys[k]!, q);
    axpy(alphas[k]! - beta, ss[k]!, q);
  }
  return q;
}

interface LineSearchResult {
  x?: number[];
  f?: number;
  g?: number[];
  evaluations: number;
}

/**
 * Finds a step t along d meeting Armijo (f(x+td) ≤ f + c1·t·slope) and, when possible, the weak Wolfe curvature
 * condition (g(x+td)·d ≥ c2·slope). Keeps a bracket [lo, hi]: Armijo failures shrink hi (safeguarded quadratic
 * interpolation), curvature failures raise lo (doubling while no upper end is known). Returns the best
 * Armijo point found if the curvature test never passes within the budget.
 */
function lineSearch(
  fg: (x: readonly number[]) => ValueAndGradient,
  x: readonly number[],
  f0: number,
  slope0: number,
  d: readonly number[],
  initialStep: number,
  c1: number,
  c2: number,
  maxSteps: number,
): LineSearchResult {
  let lo = 0;
  let hi = Infinity;
  let t = initialStep;
  let best: LineSearchResult | undefined;
  let evaluations = 0;
  for (let k = 1; k <= maxSteps; k += 1) {
    evaluations = k;
    const xt = x.map((v, i) => v + t * d[i]!);
    const { f, g } = fg(xt);
    const finite = Number.isFinite(f) && g.every(Number.isFinite);
    if (!finite || f > f0 + c1 * t * slope0) {
      hi = t;
      // Minimiser of the quadratic through f0, slope0 and f(t), kept inside [lo + 10%, hi − 10%] of the bracket.
      const quadratic = finite ? (-slope0 * t * t) / (2 * (f - f0 - slope0 * t)) : (lo + hi) / 2;
      const width = hi - lo;
      t = Math.min(Math.max(quadratic, lo + 0.1 * width), hi - 0.1 * width);
    } else {
      best = { x: xt, f, g, evaluations: k };
      const slope = dot(g, d);
      if (slope >= c2 * slope0) return best;
      // Still descending steeply: the step is too short.
      lo = t;
      t = hi === Infinity ? 2 * t : (lo + hi) / 2;
    }
    if (hi - lo <= 1e-16 * Math.max(1, hi)) break;
  }
  return best === undefined ? { evaluations } : { ...best, evaluations };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += a[i]! * b[i]!;
  return s;
}

function axpy(alpha: number, xs: readonly number[], ys: number[]): void {
  for (let i = 0; i < ys.length; i += 1) ys[i]! += alpha * xs[i]!;
}

function maxAbs(v: readonly number[]): number {
  let m = 0;
  for (const e of v) m = Math.max(m, Math.abs(e));
  return m;
}
