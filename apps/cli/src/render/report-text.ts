// `shapesweep report` as text: the results table, the Pareto frontiers on params and FLOPs, how upstream and
// downstream rankings agree, winners per budget, and DeepNarrow against its references.
import type { BudgetBucket, SweepReport } from '@shapesweep/analysis';
import type { ReportRun } from '@shapesweep/report';
import type { SweepReportData } from '../sweep-report.js';
import { renderTable } from '../table.js';
import { fixed, si, signed } from './format.js';

function byId(records: readonly ReportRun[]): Map<string, ReportRun> {
  return new Map(records.map((r) => [r.id, r]));
}

/** The results table: one row per run, smallest first. */
export function resultsTable(data: SweepReportData): string {
  const frontiers = data.report?.frontiers;
  const onParams = new Set(frontiers?.params ?? []);
  const onFlops = new Set(frontiers?.flops ?? []);
  const rows = [...data.records].sort((a, b) => a.params - b.params || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const shape = (r: ReportRun): string => (r.shape === undefined ? '-' : `${r.shape.el}/${r.shape.dl} ${r.shape.dm} ${r.shape.ff} ${r.shape.nh}x${r.shape.kv}`);
  return renderTable(rows, [
    { header: 'shape', value: (r) => r.name },
    { header: 'family', value: (r) => r.family },
    { header: 'EL/DL DM FF NHxKV', value: shape },
    { header: 'params', numeric: true, value: (r) => si(r.params) },
    { header: 'FLOPs', numeric: true, value: (r) => si(r.flops) },
    { header: 'upstream', numeric: true, value: (r) => fixed(r.negLogPerplexity) },
    ...data.tasks.map((task) => ({ header: task, numeric: true, value: (r: ReportRun) => fixed(r.scores[task]) })),
    { header: 'mean', numeric: true, value: (r) => fixed(r.downstreamMean) },
    { header: 'tok/s', numeric: true, value: (r) => si(r.tokensPerSecond, 1) },
    { header: 'frontier', value: (r) => [onParams.has(r.id) ? 'P' : '', onFlops.has(r.id) ? 'F' : ''].filter((s) => s !== '').join(' ') || (r.status !== undefined && r.status !== 'SUCCEEDED' ? r.status.toLowerCase() : '') },
  ]);
}

function frontierLine(label: string, ids: readonly string[], runs: Map<string, ReportRun>, cost: (r: ReportRun) => number): string {
  if (ids.length === 0) return `  on ${label}: no finished runs`;
  const steps = ids.flatMap((id) => {
    const r = runs.get(id);
    return r === undefined ? [] : [`${r.name} (${si(cost(r))}, ${fixed(r.downstreamMean)})`];
  });
  return `  on ${label}: ${steps.join(' -> ')}`;
}

function bucketLines(label: string, buckets: readonly BudgetBucket[]): string[] {
  const used = buckets.filter((b) => b.n > 0);
  if (used.length === 0) return [];
  return [
    `  by ${label}:`,
    ...used.map((b) => {
      const down = b.downstreamWinner === null ? '-' : `${b.downstreamWinner.name} (${fixed(b.downstreamWinner.value)})`;
      const up = b.upstreamWinner === null ? '-' : `${b.upstreamWinner.name} (${fixed(b.upstreamWinner.value)})`;
      return `    [${si(b.lo)}, ${si(b.hi)}) n=${b.n}: downstream ${down}; upstream ${up}${b.agree === false ? '  <- they disagree' : ''}`;
    }),
  ];
}

function correlationLines(report: SweepReport): string[] {
  const { overall, withinParamGroups: within } = report.rankCorrelation;
  const groups = within.groups.filter((g) => g.spearman !== null);
  const shifts = report.runs.filter((r) => r.rankShift !== null && r.rankShift !== 0).sort((a, b) => Math.abs(b.rankShift!) - Math.abs(a.rankShift!)).slice(0, 5);
  return [
    `  Spearman over ${overall.n} runs: ${fixed(overall.spearman, 2)} (Kendall tau ${fixed(overall.kendallTau, 2)})`,
    `  within equal-parameter groups (+-${Math.round(within.relativeTolerance * 100)}%): mean Spearman ${fixed(within.meanSpearman, 2)} over ${within.n} runs in ${groups.length} group(s)`,
    ...shifts.map((r) => `    ${r.name}: upstream rank ${r.upstreamRank}, downstream rank ${r.downstreamRank} (${r.rankShift! > 0 ? 'worse' : 'better'} downstream than upstream predicts)`),
  ];
}

function deepNarrowLines(report: SweepReport): string[] {
  if (report.deepNarrow.length === 0) return ['  no DeepNarrow cells in this sweep'];
  return report.deepNarrow.map((d) => {
    if (d.referenceRunIds.length === 0) return `  ${d.name}: its reference ${d.referenceName} is not in the sweep`;
    const ratio = (v: number | null): string => (v === null ? '-' : `${v.toFixed(2)}x`);
    const verdict = d.matchesOrBeatsReference === null ? 'not comparable yet' : d.matchesOrBeatsReference ? 'matches or beats its reference downstream' : 'is worse than its reference downstream';
    return (
      `  ${d.name} vs ${d.referenceName}: params ${ratio(d.paramsRatio)}, FLOPs ${ratio(d.flopsRatio)}, speed ${ratio(d.tokensPerSecondRatio)}; ` +
      `downstream ${fixed(d.downstream)} vs ${fixed(d.referenceDownstream)} (${signed(d.deltaDownstream)}), ` +
      `upstream ${fixed(d.upstream)} vs ${fixed(d.referenceUpstream)} (${signed(d.deltaUpstream)}): ${verdict}`
    );
  });
}

/** The whole text report. */
export function renderReportText(data: SweepReportData): string {
  const { sweep } = data.status;
  const c = sweep.counts;
  const out = [
    `sweep ${sweep.id} "${sweep.name}": ${sweep.status}, ${data.runs.length} runs (${c.SUCCEEDED} succeeded${c.FAILED > 0 ? `, ${c.FAILED} failed` : ''}${c.CANCELLED > 0 ? `, ${c.CANCELLED} cancelled` : ''}${c.RUNNING + c.QUEUED + c.PENDING > 0 ? `, ${c.RUNNING + c.QUEUED + c.PENDING} not finished` : ''})`,
    '',
    'Results (upstream: negative log-perplexity on held-out text, higher is better; task scores and mean in [0, 1];',
    '         FLOPs: training FLOPs spent; frontier: Pareto-optimal on params (P) / FLOPs (F) for the mean score)',
    resultsTable(data).trimEnd(),
  ];
  const report = data.report;
  if (report === null || report.rankCorrelation.overall.n === 0) {
    out.push('', 'No finished run has both upstream and downstream results yet: frontiers and rank correlations need them.');
    return `${out.join('\n')}\n`;
  }
  const runs = byId(data.records);
  out.push(
    '',
    'Pareto frontier of the mean downstream score (cheapest first):',
    frontierLine('params', report.frontiers.params, runs, (r) => r.params),
    frontierLine('FLOPs', report.frontiers.flops, runs, (r) => r.flops),
    '',
    'Upstream vs downstream ranking:',
    ...correlationLines(report),
    '',
    'Winners per budget:',
    ...bucketLines('params', report.winnersByBudget.params),
    ...bucketLines('FLOPs', report.winnersByBudget.flops),
    '',
    'DeepNarrow vs reference (averaged over seeds; ratios are DeepNarrow / reference, speed in tokens/s):',
    ...deepNarrowLines(report),
  );
  return `${out.join('\n')}\n`;
}
