import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFrontier, type ParetoPoint } from './pareto.js';

/** The definition, O(n²): kept when no other point is at least as good on both axes and better on one. */
function bruteForce(points: readonly ParetoPoint[], minimizeX: boolean, maximizeY: boolean): string[] {
  const better = (a: number, b: number, lower: boolean): boolean => (lower ? a < b : a > b);
  const atLeast = (a: number, b: number, lower: boolean): boolean => a === b || better(a, b, lower);
  return points
    .filter(
      (q) =>
        !points.some(
          (p) =>
            p !== q &&
            atLeast(p.x, q.x, minimizeX) &&
            atLeast(p.y, q.y, !maximizeY) &&
            (better(p.x, q.x, minimizeX) || better(p.y, q.y, !maximizeY)),
        ),
    )
    .map((p) => p.id)
    .sort();
}

describe('paretoFrontier', () => {
  it('keeps the runs no cheaper run beats (hand-computed)', () => {
    const points = [
      { id: 'base', x: 220, y: 0.80 },
      { id: 'small', x: 60, y: 0.70 },
      { id: 'small-nl16', x: 110, y: 0.79 },
      { id: 'small-dm256', x: 70, y: 0.65 },
      { id: 'large', x: 740, y: 0.78 },
    ];
    expect(paretoFrontier(points, { maximizeY: true }).map((p) => p.id)).toEqual(['small', 'small-nl16', 'base']);
  });

  it('minimises y when maximizeY is false (a loss)', () => {
    const points = [
      { id: 'a', x: 1, y: 3 },
      { id: 'b', x: 2, y: 2 },
      { id: 'c', x: 3, y: 2.5 },
      { id: 'd', x: 4, y: 1 },
    ];
    expect(paretoFrontier(points, { maximizeY: false }).map((p) => p.id)).toEqual(['a', 'b', 'd']);
  });

  it('maximises x when minimizeX is false (tokens per second), fastest first', () => {
    const points = [
      { id: 'slow-good', x: 100, y: 0.9 },
      { id: 'fast-ok', x: 400, y: 0.7 },
      { id: 'fast-bad', x: 300, y: 0.6 },
    ];
    expect(paretoFrontier(points, { minimizeX: false, maximizeY: true }).map((p) => p.id)).toEqual(['fast-ok', 'slow-good']);
  });

  it('keeps exact duplicates together, ordered by id, and drops a point tied on x but worse on y', () => {
    const points = [
      { id: 'z', x: 1, y: 5 },
      { id: 'a', x: 1, y: 5 },
      { id: 'm', x: 1, y: 4 },
      { id: 'later-equal-y', x: 2, y: 5 },
    ];
    expect(paretoFrontier(points, { maximizeY: true }).map((p) => p.id)).toEqual(['a', 'z']);
  });

  it('ignores points with a non-finite coordinate and returns the original objects', () => {
    const good = { id: 'ok', x: 1, y: 1, extra: 'kept' };
    const result = paretoFrontier([good, { id: 'nan', x: Number.NaN, y: 9, extra: '' }, { id: 'inf', x: 0, y: Infinity, extra: '' }], { maximizeY: true });
    expect(result).toEqual([good]);
    expect(result[0]).toBe(good);
  });

  it('matches the O(n²) definition on random points, ties included', () => {
    const point = fc.record({ x: fc.integer({ min: 0, max: 8 }), y: fc.integer({ min: 0, max: 8 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), fc.boolean(), fc.boolean(), (raw, minimizeX, maximizeY) => {
        const points = raw.map((p, i) => ({ id: `p${String(i).padStart(3, '0')}`, ...p }));
        const fast = paretoFrontier(points, { minimizeX, maximizeY }).map((p) => p.id).sort();
        expect(fast).toEqual(bruteForce(points, minimizeX, maximizeY));
      }),
      { numRuns: 300 },
    );
  });

  it('returns the frontier ordered by x from best to worst with y strictly improving', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.double({ min: 0, max: 1e12, noNaN: true }), y: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 60 }), (raw) => {
        const frontier = paretoFrontier(raw.map((p, i) => ({ id: String(i), ...p })), { maximizeY: true });
        for (let i = 1; i < frontier.length; i += 1) {
          const previous = frontier[i - 1]!;
          const current = frontier[i]!;
          const duplicate = previous.x === current.x && previous.y === current.y;
          expect(duplicate || (current.x > previous.x && current.y > previous.y)).toBe(true);
        }
      }),
    );
  });
});
