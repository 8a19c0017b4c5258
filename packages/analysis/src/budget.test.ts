import { describe, expect, it } from 'vitest';
import { bestUnderBudget, rankRuns, withinBudget } from './budget.js';
import type { RunRecord } from './runs.js';

function run(id: string, params: number, flops: number, wallSeconds: number | null, downstreamMean: number | null, negLogPerplexity: number | null, scores: Record<string, number> = {}): RunRecord {
  return { id, name: id, family: 'grid', referenceName: null, params, flops, wallSeconds, negLogPerplexity, downstreamMean, scores };
}

const runs = [
  run('a', 10, 100, 5, 0.6, -3.0, { sst: 0.7 }),
  run('b', 20, 150, 9, 0.7, -2.8, { sst: 0.9 }),
  run('c', 40, 400, null, 0.9, -2.5, { sst: 0.8 }),
  run('d', 20, 120, 7, 0.7, -2.9),
  run('e', 5, 50, 2, null, null),
];

describe('withinBudget', () => {
  it('keeps runs under every given cap, caps inclusive', () => {
    expect(withinBudget(runs, { maxParams: 20 }).map((r) => r.id)).toEqual(['a', 'b', 'd', 'e']);
    expect(withinBudget(runs, { maxParams: 20, maxFlops: 120 }).map((r) => r.id)).toEqual(['a', 'd', 'e']);
    expect(withinBudget(runs, {}).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('leaves out a run with unknown wall time when a wall-time cap is set', () => {
    expect(withinBudget(runs, { maxWallSeconds: 1e9 }).map((r) => r.id)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('rejects a NaN cap by name', () => {
    expect(() => withinBudget(runs, { maxFlops: Number.NaN })).toThrow('maxFlops must be a number, got NaN');
  });
});

describe('rankRuns', () => {
  it('ranks by downstream best first, breaking the b/d tie towards fewer FLOPs, dropping runs without a score', () => {
    expect(rankRuns(runs, { metric: 'downstream' }).map((r) => [r.run.id, r.value])).toEqual([
      ['c', 0.9],
      ['d', 0.7],
      ['b', 0.7],
      ['a', 0.6],
    ]);
  });

  it('ranks by a task score, by upstream, and ascending when direction is min', () => {
    expect(rankRuns(runs, { metric: 'sst' }).map((r) => r.run.id)).toEqual(['b', 'c', 'a']);
    expect(rankRuns(runs, { metric: 'upstream' }).map((r) => r.run.id)).toEqual(['c', 'b', 'd', 'a']);
    expect(rankRuns(runs, { metric: 'upstream', direction: 'min' }).map((r) => r.run.id)).toEqual(['a', 'd', 'b', 'c']);
    expect(rankRuns(runs, { metric: (r) => r.params, direction: 'min' }).map((r) => r.run.id)).toEqual(['e', 'a', 'd', 'b', 'c']);
  });
});

describe('bestUnderBudget', () => {
  it('answers "best downstream under 20 params" with d (ties b, cheaper in FLOPs)', () => {
    expect(bestUnderBudget(runs, { maxParams: 20 }, { metric: 'downstream' })?.run.id).toBe('d');
  });

  it('returns null when nothing within the budget has the metric', () => {
    expect(bestUnderBudget(runs, { maxParams: 5 }, { metric: 'downstream' })).toBeNull();
  });
});
