import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCurve, seedFinishedSweep, type SeededRun } from '../../bench/seed.js';
import { startHarness, type Harness } from '../../test-support/harness.js';

let h: Harness;
let runs: SeededRun[];

beforeAll(async () => {
  h = await startHarness();
  runs = [
    ...(await seedFinishedSweep(h.db, { sweepId: 'sw_a', runs: 40, seed: 1 })),
    ...(await seedFinishedSweep(h.db, { sweepId: 'sw_b', runs: 25, seed: 2 })),
  ];
});
afterAll(async () => {
  await h.close();
});

/** The expected order, computed here without SQL: best score first, then cheaper flops, params, smaller id. */
function expectedRanking(candidates: SeededRun[], value: (r: SeededRun) => number): string[] {
  return [...candidates]
    .sort((a, b) => value(b) - value(a) || a.flops - b.flops || a.params - b.params || (a.id < b.id ? -1 : 1))
    .map((r) => r.id);
}

async function allPages(url: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await h.app.inject({ method: 'GET', url: `${url}&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ id: string }>; nextCursor: string | null };
    ids.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
  } while (cursor !== null);
  return ids;
}

describe('GET /v1/results', () => {
  it('returns the finished runs within every budget cap, best downstream first, across pages', async () => {
    const sortedParams = runs.map((r) => r.params).sort((a, b) => a - b);
    const maxParams = sortedParams[Math.floor(sortedParams.length * 0.7)]!;
    const maxFlops = runs.map((r) => r.flops).sort((a, b) => a - b)[Math.floor(runs.length * 0.8)]!;
    const expected = expectedRanking(runs.filter((r) => r.params <= maxParams && r.flops <= maxFlops), (r) => r.downstreamMean);
    expect(expected.length).toBeGreaterThan(10);
    expect(await allPages(`/v1/results?maxParams=${maxParams}&maxFlops=${maxFlops}`, 7)).toEqual(expected);
  });

  it('ranks by one task and by upstream quality within a sweep and a wall-time cap', async () => {
    const maxWall = runs.map((r) => r.wallSeconds).sort((a, b) => a - b)[30]!;
    const inA = runs.filter((r) => r.sweepId === 'sw_a' && r.wallSeconds <= maxWall);
    expect(await allPages(`/v1/results?sweep=sw_a&maxWallSeconds=${maxWall}&task=wic`, 5)).toEqual(expectedRanking(inA, (r) => r.scores.wic!));
    expect(await allPages(`/v1/results?sweep=sw_a&maxWallSeconds=${maxWall}&metric=upstream`, 50)).toEqual(expectedRanking(inA, (r) => r.negLogPerplexity));
  });

  it('answers 400 CURSOR_INVALID for a cursor it did not make', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/results?cursor=bm90LWEtY3Vyc29y' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('CURSOR_INVALID');
    expect(res.json().error.details[0]).toMatch(/cursor/);
  });
});

describe('GET /v1/frontier', () => {
  /** Brute force: a run is on the frontier when no other run is at least as cheap and as good, and better on one. */
  function bruteFrontier(candidates: SeededRun[], x: (r: SeededRun) => number, y: (r: SeededRun) => number): string[] {
    return candidates
      .filter((p) => !candidates.some((q) => x(q) <= x(p) && y(q) >= y(p) && (x(q) < x(p) || y(q) > y(p))))
      .map((r) => r.id)
      .sort();
  }

  it.each([
    ['params', 'downstream', (r: SeededRun) => r.params, (r: SeededRun) => r.downstreamMean],
    ['flops', 'upstream', (r: SeededRun) => r.flops, (r: SeededRun) => r.negLogPerplexity],
    ['wallSeconds', 'sentiment', (r: SeededRun) => r.wallSeconds, (r: SeededRun) => r.scores.sentiment!],
  ] as const)('returns exactly the Pareto-optimal runs on x=%s, y=%s', async (x, y, fx, fy) => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/frontier?x=${x}&y=${y}` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { candidates: number; frontier: Array<{ run: { id: string } }> };
    expect(body.candidates).toBe(runs.length);
    expect(body.frontier.map((p) => p.run.id).sort()).toEqual(bruteFrontier(runs, fx, fy));
  });
});

describe('fits, report and curves', () => {
  it('fits a power law to upstream loss and predicts a better quality at a larger budget', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/fits?x=params&y=upstream&bootstrap=20&at=1e12' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.n).toBe(runs.length);
    expect(body.fit.alpha).toBeGreaterThan(0);
    expect(body.prediction.quality).toBeGreaterThan(Math.max(...runs.map((r) => r.negLogPerplexity)) - 0.1);
  });

  it('answers 422 NOT_ENOUGH_DATA for a fit over an unknown sweep', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/fits?sweep=sw_nothing' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('NOT_ENOUGH_DATA');
  });

  it('reports rank correlation and per-budget winners of a sweep', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/sweeps/sw_b/report' });
    expect(res.statusCode).toBe(200);
    const { report } = res.json();
    expect(report.runCount).toBe(25);
    expect(report.rankCorrelation.overall.n).toBe(25);
    expect(report.winnersByBudget.params.length).toBeGreaterThan(0);
  });

  it('downsamples a long curve keeping the first, last, minimum and maximum points', async () => {
    const runId = runs[0]!.id;
    const { min, max } = await seedCurve(h.db, runId, 20_000, 3);
    const res = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}/metrics?name=train_loss&maxPoints=200` });
    expect(res.statusCode).toBe(200);
    const [curve] = res.json().curves as Array<{ total: number; points: Array<[number, number]>; downsampled: boolean }>;
    expect(curve!.total).toBe(20_000);
    expect(curve!.downsampled).toBe(true);
    expect(curve!.points.length).toBeLessThanOrEqual(200);
    const steps = curve!.points.map((p) => p[0]);
    expect(steps[0]).toBe(1);
    expect(steps[steps.length - 1]).toBe(20_000);
    expect(steps).toContain(min[0]);
    expect(steps).toContain(max[0]);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);

    // maxPoints 20 < the curve's 79 rollup blocks: candidates come from metric_rollup instead of the raw points.
    const coarse = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}/metrics?name=train_loss&maxPoints=20&method=minmax` });
    const [small] = coarse.json().curves as Array<{ total: number; points: Array<[number, number]>; downsampled: boolean }>;
    expect(small!.total).toBe(20_000);
    expect(small!.points.length).toBeLessThanOrEqual(20);
    const coarseSteps = small!.points.map((p) => p[0]);
    expect(coarseSteps[0]).toBe(1);
    expect(coarseSteps[coarseSteps.length - 1]).toBe(20_000);
    expect(small!.points).toContainEqual(min);
    expect(small!.points).toContainEqual(max);

    const detail = await h.app.inject({ method: 'GET', url: `/v1/runs/${runId}` });
    expect(detail.json().latestMetrics).toEqual([expect.objectContaining({ phase: 'pretrain', name: 'train_loss', step: 20_000 })]);
    expect(detail.json().scores).toHaveLength(4);
  });
});
