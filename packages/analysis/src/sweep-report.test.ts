import { describe, expect, it } from 'vitest';
import type { RunRecord } from './runs.js';
import { sweepReport } from './sweep-report.js';
import { spearman } from './rank.js';

function run(partial: Partial<RunRecord> & Pick<RunRecord, 'id' | 'params' | 'flops'>): RunRecord {
  return {
    name: partial.id,
    family: 'reference',
    referenceName: null,
    wallSeconds: 100,
    negLogPerplexity: null,
    downstreamMean: null,
    scores: {},
    tokensPerSecond: 1000,
    ...partial,
  };
}

// Two parameter groups (~60M and ~220M). Upstream follows params; downstream does not inside the 220M group,
// where the DeepNarrow cell wins downstream while losing upstream — the paper's point.
const runs: RunRecord[] = [
  run({ id: 'r-small', name: 'small', params: 60e6, flops: 1e15, negLogPerplexity: -3.0, downstreamMean: 0.70, wallSeconds: 100, tokensPerSecond: 2000 }),
  run({ id: 'r-small-dm', name: 'small-dm384', family: 'oneknob', referenceName: 'small', params: 62e6, flops: 1.1e15, negLogPerplexity: -2.95, downstreamMean: 0.72 }),
  run({ id: 'r-base', name: 'base', params: 220e6, flops: 4e15, negLogPerplexity: -2.5, downstreamMean: 0.80, wallSeconds: 400, tokensPerSecond: 800 }),
  run({ id: 'r-dn', name: 'small-nl24', family: 'deepnarrow', referenceName: 'base', params: 110e6, flops: 2.2e15, negLogPerplexity: -2.7, downstreamMean: 0.82, wallSeconds: 240, tokensPerSecond: 1200 }),
  run({ id: 'r-dn2', name: 'small-nl32', family: 'deepnarrow', referenceName: 'base', params: 230e6, flops: 4.4e15, negLogPerplexity: -2.55, downstreamMean: 0.83, wallSeconds: 440, tokensPerSecond: 780 }),
  run({ id: 'r-orphan', name: 'tiny-nl8', family: 'deepnarrow', referenceName: 'tiny', params: 20e6, flops: 3e14 }),
];

describe('sweepReport', () => {
  const report = sweepReport(runs);

  it('ranks upstream against downstream overall (hand-computed Spearman 0.7, Kendall 0.6)', () => {
    // Upstream order (best first): base, dn2, dn, small-dm, small. Downstream: dn2, dn, base, small-dm, small.
    // Ranks by upstream (ascending value): small 1, small-dm 2, dn 3, dn2 4, base 5; downstream: 1, 2, 4, 5, 3.
    // Σd² = 0+0+1+1+4 = 6 → ρ = 1 − 6·6/(5·24) = 0.7.
    expect(report.rankCorrelation.overall.n).toBe(5);
    expect(report.rankCorrelation.overall.spearman).toBeCloseTo(0.7, 12);
    // Pairs: 10; discordant: (dn, base), (dn2, base) → τ = (8 − 2)/10 = 0.6.
    expect(report.rankCorrelation.overall.kendallTau).toBeCloseTo(0.6, 12);
  });

  it('correlates within ±10% parameter groups', () => {
    const within = report.rankCorrelation.withinParamGroups;
    expect(within.groups.map((g) => [g.paramsMin, g.paramsMax, g.runIds])).toEqual([
      [60e6, 62e6, ['r-small', 'r-small-dm']],
      [110e6, 110e6, ['r-dn']],
      [220e6, 230e6, ['r-base', 'r-dn2']],
    ]);
    expect(within.groups.map((g) => g.spearman)).toEqual([1, null, -1]);
    expect(within.meanSpearman).toBe(0);
    expect(within.n).toBe(4);
  });

  it('gives each run its upstream and downstream rank and the shift between them', () => {
    const base = report.runs.find((r) => r.id === 'r-base')!;
    expect(base).toMatchObject({ upstreamRank: 1, downstreamRank: 3, rankShift: 2 });
    expect(report.runs.find((r) => r.id === 'r-orphan')).toMatchObject({ upstreamRank: null, downstreamRank: null, rankShift: null });
  });

  it('ranks the same whether or not some runs lack values; ties share their mean rank', () => {
    // small-dm ties small upstream. Every run has both values here (the report reuses one ordering for everything);
    // with the orphan added, the per-metric ranks are computed over the runs that have each value instead.
    const tied = runs.slice(0, 5).map((r) => (r.id === 'r-small-dm' ? { ...r, negLogPerplexity: -3.0 } : r));
    const complete = sweepReport(tied);
    const withOrphan = sweepReport([...tied, runs[5]!]);
    expect(withOrphan.runs.filter((r) => r.id !== 'r-orphan')).toEqual(complete.runs);
    expect(complete.runs.filter((r) => r.id.startsWith('r-small')).map((r) => r.upstreamRank)).toEqual([4.5, 4.5]);
    expect(complete.rankCorrelation.overall.spearman).toBe(spearman(tied.map((r) => r.negLogPerplexity!), tied.map((r) => r.downstreamMean!)));
  });

  it('names the winners per half-decade budget bucket and whether the two rankings agree', () => {
    const params = report.winnersByBudget.params;
    // 60M, 62M in [31.6M, 100M); 110M, 220M, 230M in [100M, 316M); the orphan has no metric.
    expect(params.map((b) => b.n)).toEqual([2, 3]);
    expect(params[1]!.lo).toBeCloseTo(1e8, 0);
    expect(params[1]!.downstreamWinner?.id).toBe('r-dn2');
    expect(params[1]!.upstreamWinner?.id).toBe('r-base');
    expect(params[1]!.agree).toBe(false);
    expect(params[0]!.agree).toBe(true);
  });

  it('computes the Pareto frontiers on the downstream mean', () => {
    expect(report.frontiers.params).toEqual(['r-small', 'r-small-dm', 'r-dn', 'r-dn2']);
    expect(report.frontiers.tokensPerSecond).toEqual(['r-small', 'r-dn', 'r-dn2']);
  });

  it('compares each DeepNarrow shape with its reference', () => {
    const dn = report.deepNarrow.find((d) => d.name === 'small-nl24')!;
    expect(dn.referenceRunIds).toEqual(['r-base']);
    expect(dn.paramsRatio).toBeCloseTo(0.5, 12);
    expect(dn.flopsRatio).toBeCloseTo(0.55, 12);
    expect(dn.wallSecondsRatio).toBeCloseTo(0.6, 12);
    expect(dn.tokensPerSecondRatio).toBeCloseTo(1.5, 12);
    expect(dn.deltaDownstream).toBeCloseTo(0.02, 12);
    expect(dn.deltaUpstream).toBeCloseTo(-0.2, 12);
    expect(dn.matchesOrBeatsReference).toBe(true);
    const orphan = report.deepNarrow.find((d) => d.name === 'tiny-nl8')!;
    expect(orphan).toMatchObject({ referenceRunIds: [], paramsRatio: null, deltaDownstream: null, matchesOrBeatsReference: null });
  });

  it('averages seeds of the same shape before comparing', () => {
    const seeded = sweepReport([
      run({ id: 'b1', name: 'base', params: 10, flops: 10, downstreamMean: 0.6 }),
      run({ id: 'b2', name: 'base', params: 10, flops: 10, downstreamMean: 0.8 }),
      run({ id: 'd1', name: 'dn', family: 'deepnarrow', referenceName: 'base', params: 5, flops: 6, downstreamMean: 0.65 }),
    ]);
    expect(seeded.deepNarrow[0]).toMatchObject({ referenceRunIds: ['b1', 'b2'], matchesOrBeatsReference: false });
    expect(seeded.deepNarrow[0]!.deltaDownstream).toBeCloseTo(-0.05, 12);
  });

  it('is plain JSON: serialising and parsing gives the same value, with no NaN or Infinity', () => {
    const empty = sweepReport([]);
    expect(empty.rankCorrelation.overall).toEqual({ n: 0, spearman: null, kendallTau: null });
    for (const value of [report, empty]) expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });
});
