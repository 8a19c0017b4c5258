// Single-axis scaling law y(x) = E + A·x^(−α) fitted the Chinchilla way (Hoffmann et al. 2022, as refit by
// Besiroglu et al. 2024): minimise the SUM over points of the Huber loss (δ = 1e-3) of log-residuals
// log y − log(E + A·x^−α), by L-BFGS from a grid of starting values, E = exp(e) and A = exp(a) so both stay
// positive. Uncertainty comes from a seeded bootstrap: refit on resampled points, take percentiles.
import { AnalysisError } from './errors.js';
import { minimizeLbfgs, type ValueAndGradient } from './lbfgs.js';
import { seededRandom } from './random.js';

export interface FitPoint {
  /** Compute axis (params or FLOPs); must be > 0. */
  x: number;
  /** Loss-like quantity, lower is better; must be > 0 (it is fitted in log space). */
  y: number;
}

export interface PowerLawFitOptions {
  /** Bootstrap resamples for the confidence intervals; 0 skips them. @defaultValue 200 */
  bootstrap?: number;
  /** Seed of the bootstrap resampling: the same seed gives the same intervals. @defaultValue 0 */
  seed?: number;
  /** Huber threshold δ on log-residuals (quadratic below δ, linear above). @defaultValue 1e-3 */
  huberDelta?: number;
  /** L-BFGS iteration cap per start. @defaultValue 500 */
  maxIterations?: number;
}

/** The three law parameters. */
export interface PowerLawParams {
  /** Irreducible loss: the asymptote as x → ∞ (same unit as y). */
  E: number;
  /** Scale of the reducible term (y unit · x^α). */
  A: number;
  /** Exponent: how fast the reducible part falls with x. */
  alpha: number;
}

export interface PowerLawFit extends PowerLawParams {
  /** Sum of Huber losses of the log-residuals at the optimum. */
  loss: number;
  /** Whether L-BFGS met a tolerance from the best start (false: iteration cap or stalled line search). */
  converged: boolean;
  /** Points fitted. */
  n: number;
  huberDelta: number;
  /** 95% percentile-bootstrap intervals [lo, hi]; null when bootstrap = 0. */
  ci95: { E: [number, number]; A: [number, number]; alpha: [number, number] } | null;
  /** The bootstrap refits, kept so predict() can give an interval. Empty when bootstrap = 0. */
  bootstrapFits: PowerLawParams[];
}

/** Fewest points a fit accepts: three parameters need at least three distinct x. */
export const MIN_FIT_POINTS = 3;

/**
 * Fits y = E + A·x^(−α). Throws AnalysisError NOT_ENOUGH_DATA with fewer than 3 points or fewer than 3 distinct x
 * values, and INVALID_INPUT for a point with x ≤ 0, y ≤ 0 or a non-finite coordinate (logs are taken of both).
 */
export function fitPowerLaw(points: readonly FitPoint[], options: PowerLawFitOptions = {}): PowerLawFit {
  const bootstrap = options.bootstrap ?? 200;
  const huberDelta = options.huberDelta ?? 1e-3;
  const maxIterations = options.maxIterations ?? 500;
  if (!Number.isInteger(bootstrap) || bootstrap < 0) {
    throw new AnalysisError('INVALID_INPUT', `fitPowerLaw: bootstrap must be a non-negative integer, got ${bootstrap}`);
  }
  if (!(huberDelta > 0)) throw new AnalysisError('INVALID_INPUT', `fitPowerLaw: huberDelta must be > 0, got ${huberDelta}`);
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.x) && p.x > 0 && Number.isFinite(p.y) && p.y > 0)) {
      throw new AnalysisError('INVALID_INPUT', `fitPowerLaw: points[${i}] must have finite x > 0 and y > 0, got (${p.x}, ${p.y})`);
    }
  });
  if (points.length < MIN_FIT_POINTS) {
    throw new AnalysisError('NOT_ENOUGH_DATA', `fitPowerLaw: a power-law fit needs at least ${MIN_FIT_POINTS} points, got ${points.length}`);
  }
  const distinctX = new Set(points.map((p) => p.x)).size;
  if (distinctX < MIN_FIT_POINTS) {
    throw new AnalysisError('NOT_ENOUGH_DATA', `fitPowerLaw: a power-law fit needs at least ${MIN_FIT_POINTS} distinct x values, got ${distinctX}`);
  }

  // Fit in x' = x / scale with scale the geometric mean of x: params (1e8) or FLOPs (1e18) otherwise push A to
  // extreme magnitudes and wreck the conditioning. A = A'·scale^α converts back.
  const logScale = mean(points.map((p) => Math.log(p.x)));
  const logX = points.map((p) => Math.log(p.x) - logScale);
  const logY = points.map((p) => Math.log(p.y));

  const best = fitFromStarts(logX, logY, huberDelta, maxIterations, startGrid(points));
  const params = toParams(best.theta, logScale);

  const bootstrapFits: PowerLawParams[] = [];
  if (bootstrap > 0) {
    const random = seededRandom(options.seed ?? 0);
    const n = points.length;
    const sampleX = new Array<number>(n);
    const sampleY = new Array<number>(n);
    while (bootstrapFits.length < bootstrap) {
      for (let i = 0; i < n; i += 1) {
        const j = Math.floor(random() * n);
        sampleX[i] = logX[j]!;
        sampleY[i] = logY[j]!;
      }
      // A resample with a single x cannot identify a curve: draw again (deterministic, the generator moves on).
      if (new Set(sampleX).size < 2) continue;
      const refit = fitFromStarts(sampleX, sampleY, huberDelta, maxIterations, [best.theta]);
      bootstrapFits.push(toParams(refit.theta, logScale));
    }
  }

  return {
    ...params,
    loss: best.loss,
    converged: best.converged,
    n: points.length,
    huberDelta,
    ci95:
      bootstrapFits.length === 0
        ? null
        : {
            E: interval(bootstrapFits.map((p) => p.E), 0.95),
            A: interval(bootstrapFits.map((p) => p.A), 0.95),
            alpha: interval(bootstrapFits.map((p) => p.alpha), 0.95),
          },
    bootstrapFits,
  };
}

export interface Prediction {
  x: number;
  /** The fitted curve at x. */
  y: number;
  /** Percentile interval of the bootstrap curves at x at the requested level; null without bootstrap fits. */
  interval: [number, number] | null;
}

/** Evaluates a fit at x with a bootstrap interval. @param level interval coverage. @defaultValue 0.95 */
export function predict(fit: PowerLawFit, x: number, level = 0.95): Prediction {
  if (!(Number.isFinite(x) && x > 0)) throw new AnalysisError('INVALID_INPUT', `predict: x must be finite and > 0, got ${x}`);
  if (!(level > 0 && level < 1)) throw new AnalysisError('INVALID_INPUT', `predict: level must be in (0, 1), got ${level}`);
  return {
    x,
    y: evaluatePowerLaw(fit, x),
    interval: fit.bootstrapFits.length === 0 ? null : interval(fit.bootstrapFits.map((p) => evaluatePowerLaw(p, x)), level),
  };
}

/** E + A·x^(−α). */
export function evaluatePowerLaw(params: PowerLawParams, x: number): number {
  return params.E + params.A * Math.pow(x, -params.alpha);
}

/**
 * What a quality axis is fitted as. Scaling laws describe a quantity that falls towards a floor, so:
 * `upstream` fits the eval loss = −(negative log-perplexity) (nats per token, > 0);
 * `downstream` fits the error = 1 − score (a score of exactly 1 has error 0 and cannot be fitted in log space).
 */
export type FitTarget = 'upstream' | 'downstream';

/** Converts a run's quality value into the y a power law is fitted on (see FitTarget). */
export function toFitY(target: FitTarget, quality: number): number {
  return target === 'upstream' ? -quality : 1 - quality;
}

/** Converts a fitted / predicted y back into the quality scale (negative log-perplexity or score). */
export function fromFitY(target: FitTarget, y: number): number {
  return target === 'upstream' ? -y : 1 - y;
}

// ---- internals -------------------------------------------------------------------------------------------------

/** θ = (e, a', α): E = exp(e), A' = exp(a') in the normalised x frame. */
type Theta = [number, number, number];

interface StartResult {
  theta: Theta;
  loss: number;
  converged: boolean;
}

function toParams(theta: Theta, logScale: number): PowerLawParams {
  const [e, a, alpha] = theta;
  return { E: Math.exp(e), A: Math.exp(a + alpha * logScale), alpha };
}

/**
 * Starting values: E a fraction of the smallest y (the floor sits below every observation), α from shallow to
 * steep, and A' chosen so the curve passes near the geometric-mean y at the geometric-mean x (x' = 1).
 */
function startGrid(points: readonly FitPoint[]): Theta[] {
  const minY = Math.min(...points.map((p) => p.y));
  const midY = Math.exp(mean(points.map((p) => Math.log(p.y))));
  const starts: Theta[] = [];
  for (const floorFraction of [0.1, 0.5, 0.9]) {
    const E = floorFraction * minY;
    const reducible = Math.max(midY - E, 1e-3 * midY);
    for (const alpha of [0.1, 0.3, 0.6, 1, 2]) starts.push([Math.log(E), Math.log(reducible), alpha]);
  }
  return starts;
}

function fitFromStarts(logX: readonly number[], logY: readonly number[], delta: number, maxIterations: number, starts: readonly Theta[]): StartResult {
  const objective = (theta: readonly number[]): ValueAndGradient => huberObjective(theta, logX, logY, delta);
  let best: StartResult | undefined;
  for (const start of starts) {
    const result = minimizeLbfgs(objective, start, { maxIterations });
    if (!Number.isFinite(result.f)) continue;
    if (best === undefined || result.f < best.loss) {
      best = { theta: [result.x[0]!, result.x[1]!, result.x[2]!], loss: result.f, converged: result.converged };
    }
  }
  // Every start is finite at its own point, so at least one result is finite.
  return best ?? { theta: starts[0]!, loss: Infinity, converged: false };
}

/** Σ huber(log y − log(E + A'·x'^−α)) and its analytic gradient in (e, a', α). */
function huberObjective(theta: readonly number[], logX: readonly number[], logY: readonly number[], delta: number): ValueAndGradient {
  const e = theta[0]!;
  const a = theta[1]!;
  const alpha = theta[2]!;
  const E = Math.exp(e);
  let f = 0;
  let ge = 0;
  let ga = 0;
  let galpha = 0;
  for (let i = 0; i < logX.length; i += 1) {
    const lx = logX[i]!;
    const reducible = Math.exp(a - alpha * lx);
    const model = E + reducible;
    const r = logY[i]! - Math.log(model);
    const absR = Math.abs(r);
    // Huber: ½r² inside ±δ, δ(|r| − ½δ) outside; ψ = dHuber/dr is r clipped to ±δ.
    f += absR <= delta ? 0.5 * r * r : delta * (absR - 0.5 * delta);
    const psi = absR <= delta ? r : delta * Math.sign(r);
    // dr/de = −E/m, dr/da' = −A'x'^−α/m, dr/dα = A'x'^−α·ln x'/m.
    ge -= (psi * E) / model;
    ga -= (psi * reducible) / model;
    galpha += (psi * reducible * lx) / model;
  }
  return { f, g: [ge, ga, galpha] };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Central percentile interval of `values` at `level`, with linear interpolation between order statistics. */
function interval(values: readonly number[], level: number): [number, number] {
  const sorted = [...values].sort((p, q) => p - q);
  const tail = (1 - level) / 2;
  return [quantile(sorted, tail), quantile(sorted, 1 - tail)];
}

function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}
