import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type ValueAndGradient } from './lbfgs.js';

/** Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1). */
function rosenbrock(x: readonly number[]): ValueAndGradient {
  const g = new Array<number>(x.length).fill(0);
  let f = 0;
  for (let i = 0; i < x.length - 1; i += 1) {
    const a = x[i]!;
    const b = x[i + 1]!;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i]! += -400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1]! += 200 * (b - a * a);
  }
  return { f, g };
}

describe('minimizeLbfgs', () => {
  it('finds the minimum of the 2-D Rosenbrock function from the classic start (-1.2, 1)', () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.f).toBeLessThan(1e-12);
    expect(result.iterations).toBeLessThan(100);
  });

  it('finds the minimum of a 10-D Rosenbrock function', () => {
    const result = minimizeLbfgs(rosenbrock, Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1)));
    expect(result.converged).toBe(true);
    for (const v of result.x) expect(v).toBeCloseTo(1, 5);
  });

  it('solves a badly scaled quadratic exactly', () => {
    // f = ½(x² + 10⁴y²): condition number 10⁴, a steepest-descent killer.
    const quadratic = (x: readonly number[]): ValueAndGradient => ({
      f: 0.5 * (x[0]! ** 2 + 1e4 * x[1]! ** 2),
      g: [x[0]!, 1e4 * x[1]!],
    });
    const result = minimizeLbfgs(quadratic, [3, -2]);
    expect(result.converged).toBe(true);
    expect(Math.abs(result.x[0]!)).toBeLessThan(1e-8);
    expect(Math.abs(result.x[1]!)).toBeLessThan(1e-8);
  });

  it('reports a non-finite start instead of iterating', () => {
    const result = minimizeLbfgs(() => ({ f: Number.NaN, g: [0] }), [0]);
    expect(result).toMatchObject({ converged: false, reason: 'non-finite', iterations: 0 });
  });

  it('stops at the iteration cap and says it did not converge', () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(result).toMatchObject({ converged: false, reason: 'max-iterations', iterations: 3 });
  });
});
