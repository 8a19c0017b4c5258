// The paper's central comparison over one sweep's finished runs (Tay et al. 2022): do upstream and downstream
// rankings agree (overall and at equal parameters), which shapes win per compute budget, and does each DeepNarrow
// shape beat the reference it was derived from. Output is plain JSON: no NaN, no Infinity (undefined → null).
import { paretoFrontier } from './pareto.js';
import { DEFAULT_PARAM_GROUP_TOLERANCE, averageRanks, groupByRelativeTolerance, kendallTau, pearson, spearman } from './rank.js';
import type { RunRecord } from './runs.js';

export interface SweepReportOptions {
  /** Width of an equal-parameter group, relative to its smallest member (see groupByRelativeTolerance). @defaultValue 0.1 */
  paramGroupTolerance?: number;
  /** Log-spaced budget buckets per decade of params / FLOPs (2 → edges at 1, 3.16, 10, 31.6…). @defaultValue 2 */
  bucketsPerDecade?: number;
}

export interface RunRanking {
  id: string;
  name: string;
  family: string;
  params: number;
  flops: number;
  /** 1 = best upstream (highest negative log-perplexity); ties share the average rank; null without a value. */
  upstreamRank: number | null;
  /** 1 = best downstream mean score; null without a value. */
  downstreamRank: number | null;
  /** downstreamRank − upstreamRank among runs having both: positive = does worse downstream than upstream predicts. */
  rankShift: number | null;
}

export interface ParamGroupCorrelation {
  key: string;
  paramsMin: number;
  paramsMax: number;
  n: number;
  spearman: number | null;
  runIds: string[];
}

export interface Winner {
  id: string;
  name: string;
  family: string;
  value: number;
}

/** The best runs among those whose cost falls in [lo, hi). */
export interface BudgetBucket {
  lo: number;
  hi: number;
  /** Runs in the bucket with at least one quality value. */
  n: number;
  /** Highest mean downstream score. */
  downstreamWinner: Winner | null;
  /** Highest negative log-perplexity. */
  upstreamWinner: Winner | null;
  /** Whether both rankings crown the same run; null when either winner is missing. */
  agree: boolean | null;
}

/** One DeepNarrow shape against its reference shape, each averaged over its seeds. */
export interface DeepNarrowComparison {
  name: string;
  referenceName: string;
  runIds: string[];
  /** Empty when the reference shape is not in the sweep (then every comparison field is null). */
  referenceRunIds: string[];
  params: number;
  referenceParams: number | null;
  /** DeepNarrow ÷ reference (< 1: cheaper). */
  paramsRatio: number | null;
  flopsRatio: number | null;
  wallSecondsRatio: number | null;
  /** > 1: DeepNarrow trains faster. */
  tokensPerSecondRatio: number | null;
  downstream: number | null;
  referenceDownstream: number | null;
  /** DeepNarrow − reference mean downstream score (> 0: DeepNarrow is better). */
  deltaDownstream: number | null;
  upstream: number | null;
  referenceUpstream: number | null;
  /** DeepNarrow − reference negative log-perplexity (> 0: DeepNarrow is better). */
  deltaUpstream: number | null;
  /** deltaDownstream ≥ 0 (matches or beats its reference downstream); null when either side has no score. */
  matchesOrBeatsReference: boolean | null;
}

export interface SweepReport {
  runCount: number;
  rankCorrelation: {
    /** Over runs having both an upstream and a downstream value. */
    overall: { n: number; spearman: number | null; kendallTau: number | null };
    withinParamGroups: {
      relativeTolerance: number;
      /** Group-size-weighted mean of the defined group correlations (single-run groups carry no ranking). */
      meanSpearman: number | null;
      /** Runs in groups that contributed to meanSpearman. */
      n: number;
      groups: ParamGroupCorrelation[];
    };
  };
  runs: RunRanking[];
  winnersByBudget: { bucketsPerDecade: number; params: BudgetBucket[]; flops: BudgetBucket[] };
  /** Pareto-optimal run ids for the mean downstream score on each compute axis (cheapest / fastest first). */
  frontiers: { params: string[]; flops: string[]; wallSeconds: string[]; tokensPerSecond: string[] };
  deepNarrow: DeepNarrowComparison[];
}

/** Builds the report; runs without metrics are counted but not ranked. O(n log n). */
export function sweepReport(runs: readonly RunRecord[], options: SweepReportOptions = {}): SweepReport {
  const tolerance = options.paramGroupTolerance ?? DEFAULT_PARAM_GROUP_TOLERANCE;
  const bucketsPerDecade = options.bucketsPerDecade ?? 2;
  const both = runs.filter((r) => isNumber(r.negLogPerplexity) && isNumber(r.downstreamMean));
  const upstreamOf = (r: RunRecord): number => r.negLogPerplexity!;
  const downstreamOf = (r: RunRecord): number => r.downstreamMean!;

  const groups = groupByRelativeTolerance(both, (r) => r.params, tolerance).map((g): ParamGroupCorrelation => ({
    key: g.key,
    paramsMin: g.min,
    paramsMax: g.max,
    n: g.items.length,
    spearman: spearman(g.items.map(upstreamOf), g.items.map(downstreamOf)),
    runIds: g.items.map((r) => r.id),
  }));
  // Ascending average ranks of the runs having both values, computed once: Spearman is the Pearson correlation of
  // these, and the descending ranks the report lists are n + 1 − them (a tie group keeps its shared mean).
  const upAscending = averageRanks(both.map(upstreamOf));
  const downAscending = averageRanks(both.map(downstreamOf));
  let weighted = 0;
  let groupedN = 0;
  for (const g of groups) {
    if (g.spearman === null) continue;
    weighted += g.spearman * g.n;
    groupedN += g.n;
  }

  return {
    runCount: runs.length,
    rankCorrelation: {
      overall: {
        n: both.length,
        spearman: both.length < 2 ? null : pearson(upAscending, downAscending),
        kendallTau: kendallTau(both.map(upstreamOf), both.map(downstreamOf)),
      },
      withinParamGroups: { relativeTolerance: tolerance, meanSpearman: groupedN === 0 ? null : weighted / groupedN, n: groupedN, groups },
    },
    runs: rankings(runs, both, upAscending, downAscending),
    winnersByBudget: {
      bucketsPerDecade,
      params: budgetBuckets(runs, (r) => r.params, bucketsPerDecade),
      flops: budgetBuckets(runs, (r) => r.flops, bucketsPerDecade),
    },
    frontiers: {
      params: frontierIds(runs, (r) => r.params, true),
      flops: frontierIds(runs, (r) => r.flops, true),
      wallSeconds: frontierIds(runs, (r) => r.wallSeconds, true),
      tokensPerSecond: frontierIds(runs, (r) => r.tokensPerSecond, false),
    },
    deepNarrow: deepNarrowComparisons(runs),
  };
}

function rankings(runs: readonly RunRecord[], both: readonly RunRecord[], upAscending: readonly number[], downAscending: readonly number[]): RunRanking[] {
  // The shift compares ranks within the runs that have both values, so the two orderings are over the same set.
  const n = both.length;
  const bothUp = new Map(both.map((r, i) => [r, n + 1 - upAscending[i]!]));
  const bothDown = new Map(both.map((r, i) => [r, n + 1 - downAscending[i]!]));
  // When every run has both values (the usual case) the per-metric ranks are the same orderings.
  const upstream = runs.length === n ? bothUp : descendingRanks(runs, (r) => r.negLogPerplexity);
  const downstream = runs.length === n ? bothDown : descendingRanks(runs, (r) => r.downstreamMean);
  return runs.map((r) => {
    const up = bothUp.get(r);
    const down = bothDown.get(r);
    return {
      id: r.id,
      name: r.name,
      family: r.family,
      params: r.params,
      flops: r.flops,
      upstreamRank: upstream.get(r) ?? null,
      downstreamRank: downstream.get(r) ?? null,
      rankShift: up === undefined || down === undefined ? null : down - up,
    };
  });
}

/** Rank 1 = highest value; ties share the average rank. */
function descendingRanks(runs: readonly RunRecord[], value: (r: RunRecord) => number | null | undefined): Map<RunRecord, number> {
  const having = runs.filter((r) => isNumber(value(r)));
  const ranks = averageRanks(having.map((r) => -value(r)!));
  return new Map(having.map((r, i) => [r, ranks[i]!]));
}

function budgetBuckets(runs: readonly RunRecord[], cost: (r: RunRecord) => number, perDecade: number): BudgetBucket[] {
  const byIndex = new Map<number, RunRecord[]>();
  for (const r of runs) {
    const c = cost(r);
    if (!(c > 0 && Number.isFinite(c))) continue;
    if (!isNumber(r.downstreamMean) && !isNumber(r.negLogPerplexity)) continue;
    // The 1e-9 keeps exact powers (1e6 → log10 = 6) in the bucket they open despite rounding in log10.
    const index = Math.floor(Math.log10(c) * perDecade + 1e-9);
    const members = byIndex.get(index);
    if (members === undefined) byIndex.set(index, [r]);
    else members.push(r);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, members]) => {
      const downstreamWinner = winner(members, (r) => r.downstreamMean);
      const upstreamWinner = winner(members, (r) => r.negLogPerplexity);
      return {
        lo: Math.pow(10, index / perDecade),
        hi: Math.pow(10, (index + 1) / perDecade),
        n: members.length,
        downstreamWinner,
        upstreamWinner,
        agree: downstreamWinner === null || upstreamWinner === null ? null : downstreamWinner.id === upstreamWinner.id,
      };
    });
}

/** Highest value; ties to the cheaper run (FLOPs, then params), then the smaller id. */
function winner(runs: readonly RunRecord[], value: (r: RunRecord) => number | null | undefined): Winner | null {
  let best: RunRecord | undefined;
  for (const r of runs) {
    const v = value(r);
    if (!isNumber(v)) continue;
    if (best === undefined) {
      best = r;
      continue;
    }
    const b = value(best)!;
    if (v > b || (v === b && (r.flops < best.flops || (r.flops === best.flops && (r.params < best.params || (r.params === best.params && r.id < best.id)))))) {
      best = r;
    }
  }
  return best === undefined ? null : { id: best.id, name: best.name, family: best.family, value: value(best)! };
}

function frontierIds(runs: readonly RunRecord[], x: (r: RunRecord) => number | null | undefined, minimizeX: boolean): string[] {
  const points = runs.flatMap((r) => {
    const xv = x(r);
    return isNumber(xv) && isNumber(r.downstreamMean) ? [{ id: r.id, x: xv, y: r.downstreamMean }] : [];
  });
  return paretoFrontier(points, { minimizeX, maximizeY: true }).map((p) => p.id);
}

interface ShapeSummary {
  runIds: string[];
  params: number;
  flops: number;
  wallSeconds: number | null;
  tokensPerSecond: number | null;
  downstream: number | null;
  upstream: number | null;
}

function deepNarrowComparisons(runs: readonly RunRecord[]): DeepNarrowComparison[] {
  const byName = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const members = byName.get(r.name);
    if (members === undefined) byName.set(r.name, [r]);
    else members.push(r);
  }
  const comparisons: DeepNarrowComparison[] = [];
  for (const [name, members] of byName) {
    const first = members[0]!;
    if (first.family !== 'deepnarrow' || first.referenceName === null) continue;
    const dn = summarise(members);
    const refRuns = byName.get(first.referenceName) ?? [];
    const ref = refRuns.length === 0 ? null : summarise(refRuns);
    const deltaDownstream = difference(dn.downstream, ref?.downstream ?? null);
    comparisons.push({
      name,
      referenceName: first.referenceName,
      runIds: dn.runIds,
      referenceRunIds: ref?.runIds ?? [],
      params: dn.params,
      referenceParams: ref?.params ?? null,
      paramsRatio: ratio(dn.params, ref?.params ?? null),
      flopsRatio: ratio(dn.flops, ref?.flops ?? null),
      wallSecondsRatio: ratio(dn.wallSeconds, ref?.wallSeconds ?? null),
      tokensPerSecondRatio: ratio(dn.tokensPerSecond, ref?.tokensPerSecond ?? null),
      downstream: dn.downstream,
      referenceDownstream: ref?.downstream ?? null,
      deltaDownstream,
      upstream: dn.upstream,
      referenceUpstream: ref?.upstream ?? null,
      deltaUpstream: difference(dn.upstream, ref?.upstream ?? null),
      matchesOrBeatsReference: deltaDownstream === null ? null : deltaDownstream >= 0,
    });
  }
  return comparisons.sort((a, b) => a.params - b.params || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Averages a shape's seeds: the cost is the same per seed (params, FLOPs); measured values are means. */
function summarise(runs: readonly RunRecord[]): ShapeSummary {
  return {
    runIds: runs.map((r) => r.id),
    params: runs[0]!.params,
    flops: meanOf(runs.map((r) => r.flops))!,
    wallSeconds: meanOf(runs.map((r) => r.wallSeconds)),
    tokensPerSecond: meanOf(runs.map((r) => r.tokensPerSecond)),
    downstream: meanOf(runs.map((r) => r.downstreamMean)),
    upstream: meanOf(runs.map((r) => r.negLogPerplexity)),
  };
}

function meanOf(values: readonly (number | null | undefined)[]): number | null {
  const finite = values.filter(isNumber);
  return finite.length === 0 ? null : finite.reduce((s, v) => s + v, 0) / finite.length;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

function isNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
