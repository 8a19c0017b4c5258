import { describe, expect, it } from 'vitest';
import { extent } from './line-chart.js';
import { frontierOf, runScatter, type RunPoint } from './scatter.js';

const points: RunPoint[] = [
  { runId: 'a', name: 'tiny', family: 'list', x: 1e5, y: 0.55 },
  { runId: 'b', name: 'small', family: 'list', x: 2e5, y: 0.6 },
  { runId: 'c', name: 'base', family: 'reference', x: 9e5, y: 0.66 },
  { runId: 'd', name: 'small-nl28', family: 'deepnarrow', x: 8.9e5, y: 0.7 },
  { runId: 'e', name: 'odd', family: 'list', x: 5e5, y: 0.58 },
];

describe('runScatter', () => {
  it('draws one circle per run with its id, and says how many', () => {
    const html = runScatter({ key: 'pareto-params', title: 'P', points, x: { label: 'params', log: true }, y: { label: 'score' }, frontier: 'min-x' });
    expect(html).toContain('data-plot="pareto-params"');
    expect(html).toContain('data-points="5"');
    expect(html.match(/<circle[^>]*data-run-id=/g)).toHaveLength(5);
    expect(html).toMatch(/<circle[^>]*stroke="#111827"[^>]*data-run-id="d" data-family="deepnarrow"/);
  });

  it('leaves out points a log axis cannot show', () => {
    const html = runScatter({ key: 'k', title: 'T', points: [...points, { runId: 'z', name: 'zero', family: 'list', x: 0, y: 0.5 }], x: { label: 'x', log: true }, y: { label: 'y' } });
    expect(html).toContain('data-points="5"');
    expect(html).not.toContain('data-run-id="z"');
  });

  it('draws the frontier through the runs no cheaper run beats', () => {
    expect(frontierOf(points, 'min-x').map((p) => p.runId)).toEqual(['a', 'b', 'd']);
    // Faster is better on a speed axis: the frontier keeps the fastest run at each score.
    expect(frontierOf(points, 'max-x').map((p) => p.runId)).toEqual(['d', 'c']);
  });
});

describe('extent', () => {
  it('pads the range and skips values a log axis cannot show', () => {
    const series = [{ id: 's', label: 's', color: '#000', points: [[1, 10], [2, 0], [3, 1000]] as [number, number][] }];
    const [lo, hi] = extent(series, 1, true, 0)!;
    expect(lo).toBeCloseTo(10, 10);
    expect(hi).toBeCloseTo(1000, 10);
    expect(extent(series, 0, false, 0.5)).toEqual([0, 4]);
    expect(extent([], 0, false, 0)).toBeNull();
  });
});
