import { describe, expect, it } from 'vitest';
import { AnalysisError } from './errors.js';
import { evaluatePowerLaw, fitPowerLaw, fromFitY, predict, toFitY, type FitPoint } from './powerlaw.js';
import { seededRandom } from './random.js';

/** Points on E + A·x^−α over four decades of x, with multiplicative log-normal noise of `noise` (σ of log y). */
function synthetic(E: number, A: number, alpha: number, n: number, noise: number, seed: number): FitPoint[] {
  const random = seededRandom(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: n }, (_, i) => {
    const x = 1e6 * Math.pow(10, (4 * i) / (n - 1));
    return { x, y: (E + A * Math.pow(x, -alpha)) * Math.exp(noise * gaussian()) };
  });
}

describe('fitPowerLaw', () => {
  it('recovers the exact parameters of noise-free data (E 1.8, A 400, α 0.34 over 1e6..1e10)', () => {
    const fit = fitPowerLaw(synthetic(1.8, 400, 0.34, 25, 0, 1), { bootstrap: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.E).toBeCloseTo(1.8, 6);
    expect(fit.A / 400).toBeCloseTo(1, 5);
    expect(fit.alpha).toBeCloseTo(0.34, 6);
    expect(fit.loss).toBeLessThan(1e-12);
    expect(fit.ci95).toBeNull();
    expect(fit.bootstrapFits).toEqual([]);
  });

  it('recovers known parameters from noisy data within their bootstrap intervals', () => {
    const fit = fitPowerLaw(synthetic(1.8, 400, 0.34, 40, 0.01, 7), { bootstrap: 100, seed: 3 });
    expect(fit.E).toBeGreaterThan(1.7);
    expect(fit.E).toBeLessThan(1.9);
    expect(fit.alpha).toBeGreaterThan(0.3);
    expect(fit.alpha).toBeLessThan(0.38);
    const ci = fit.ci95!;
    expect(ci.E[0]).toBeLessThanOrEqual(1.8);
    expect(ci.E[1]).toBeGreaterThanOrEqual(1.8);
    expect(ci.alpha[0]).toBeLessThanOrEqual(0.34);
    expect(ci.alpha[1]).toBeGreaterThanOrEqual(0.34);
    expect(ci.A[0]).toBeLessThanOrEqual(400);
    expect(ci.A[1]).toBeGreaterThanOrEqual(400);
    expect(fit.bootstrapFits).toHaveLength(100);
  });

  it('gives identical intervals for the same seed and different ones for another seed', () => {
    const points = synthetic(2, 50, 0.5, 15, 0.02, 11);
    const a = fitPowerLaw(points, { bootstrap: 30, seed: 42 });
    const b = fitPowerLaw(points, { bootstrap: 30, seed: 42 });
    const c = fitPowerLaw(points, { bootstrap: 30, seed: 43 });
    expect(b).toEqual(a);
    expect(c.ci95).not.toEqual(a.ci95);
    expect(c.E).toBe(a.E);
  });

  it('refuses fewer than 3 points with NOT_ENOUGH_DATA', () => {
    const attempt = (): unknown => fitPowerLaw([{ x: 1e6, y: 3 }, { x: 1e7, y: 2.5 }]);
    expect(attempt).toThrow(AnalysisError);
    expect(attempt).toThrow('needs at least 3 points, got 2');
    try {
      attempt();
    } catch (err) {
      expect((err as AnalysisError).code).toBe('NOT_ENOUGH_DATA');
    }
  });

  it('refuses points with fewer than 3 distinct x values', () => {
    const points = [{ x: 1e6, y: 3 }, { x: 1e6, y: 3.1 }, { x: 1e7, y: 2.5 }, { x: 1e7, y: 2.4 }];
    expect(() => fitPowerLaw(points)).toThrow('at least 3 distinct x values, got 2');
  });

  it('names the point when an x or y is not positive', () => {
    const points = [{ x: 1e6, y: 3 }, { x: 1e7, y: 0 }, { x: 1e8, y: 2 }];
    expect(() => fitPowerLaw(points)).toThrow('points[1] must have finite x > 0 and y > 0, got (10000000, 0)');
  });

  it('minimises the summed Huber loss: one wild outlier barely moves the fit', () => {
    const clean = synthetic(1.8, 400, 0.34, 30, 0, 5);
    const dirty = clean.map((p, i) => (i === 10 ? { x: p.x, y: p.y * 3 } : p));
    const fit = fitPowerLaw(dirty, { bootstrap: 0 });
    expect(fit.alpha).toBeCloseTo(0.34, 2);
    expect(fit.E).toBeCloseTo(1.8, 1);
  });
});

describe('predict', () => {
  it('evaluates the curve and brackets it with the bootstrap interval', () => {
    const fit = fitPowerLaw(synthetic(1.8, 400, 0.34, 30, 0.01, 9), { bootstrap: 50, seed: 1 });
    const prediction = predict(fit, 1e11);
    expect(prediction.y).toBeCloseTo(evaluatePowerLaw(fit, 1e11), 12);
    const [lo, hi] = prediction.interval!;
    expect(lo).toBeLessThanOrEqual(prediction.y);
    expect(hi).toBeGreaterThanOrEqual(prediction.y);
    expect(hi - lo).toBeLessThan(0.5);
  });

  it('has no interval for a fit without bootstrap', () => {
    const fit = fitPowerLaw(synthetic(1, 10, 0.5, 5, 0, 1), { bootstrap: 0 });
    expect(predict(fit, 100).interval).toBeNull();
  });

  it('evaluates E + A·x^−α by hand: 1 + 100·10000^−0.5 = 2', () => {
    expect(evaluatePowerLaw({ E: 1, A: 100, alpha: 0.5 }, 10_000)).toBe(2);
  });
});

describe('fit targets', () => {
  it('fits upstream as loss = −negLogPerplexity and downstream as error = 1 − score, and converts back', () => {
    expect(toFitY('upstream', -2.5)).toBe(2.5);
    expect(toFitY('downstream', 0.75)).toBe(0.25);
    expect(fromFitY('upstream', 2.5)).toBe(-2.5);
    expect(fromFitY('downstream', 0.25)).toBe(0.75);
  });
});
