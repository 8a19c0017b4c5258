import { sweepReport } from '@shapesweep/analysis';
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from './report.js';
import { sampleInput, sampleRuns } from './test-support/sample.js';

/** The markup of one <figure data-plot="…">. */
function figure(html: string, plot: string): string {
  const start = html.indexOf(`<figure data-plot="${plot}">`);
  expect(start, `figure ${plot} is present`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</figure>', start));
}

const countCircles = (markup: string): number => (markup.match(/<circle [^>]*data-run-id="/g) ?? []).length;

describe('renderReportHtml', () => {
  const input = sampleInput();
  const html = renderReportHtml(input);

  it('draws one marked point per run in every scatter plot', () => {
    for (const plot of ['pareto-params', 'pareto-flops', 'pareto-tokens-per-second', 'upstream-downstream']) {
      expect(countCircles(figure(html, plot)), plot).toBe(input.runs.length);
    }
    for (const run of input.runs) expect(figure(html, 'pareto-params')).toContain(`data-run-id="${run.id}"`);
  });

  it('marks DeepNarrow cells distinctly from the other shapes', () => {
    const params = figure(html, 'pareto-params');
    const deepNarrow = input.runs.filter((r) => r.family === 'deepnarrow').length;
    expect((params.match(/data-family="deepnarrow"/g) ?? []).length).toBe(deepNarrow);
    expect(params.match(/<circle [^>]*fill="#D55E00"[^>]*data-family="deepnarrow"/g)?.length).toBe(deepNarrow);
    expect(params).not.toMatch(/<circle [^>]*fill="#D55E00"[^>]*data-family="reference"/);
  });

  it('lists every run in the results table with per-task and mean scores', () => {
    expect((html.match(/<tr data-run-id="/g) ?? []).length).toBe(input.runs.length);
    for (const task of ['genre', 'sentiment', 'spam', 'wic']) expect(html).toContain(`<th>${task}</th>`);
    // tiny: mean of (0.31, 0.81, 0.95, 0.58) = 0.6625 → "0.663" (toFixed rounds half up here).
    expect(html).toContain('<b>0.663</b>');
  });

  it('prints the overall Spearman correlation computed by sweepReport', () => {
    const rho = sweepReport(input.runs).rankCorrelation.overall.spearman!;
    expect(figure(html, 'upstream-downstream')).toContain(`Spearman ρ = ${rho.toFixed(2)} over ${input.runs.length} runs`);
  });

  it('draws pretraining curves per metric on a log-scale y axis, one path per run', () => {
    const train = figure(html, 'curve-train_loss');
    expect((train.match(/<path class="plot-series"/g) ?? []).length).toBe(input.runs.length);
    expect(train).toContain('train_loss (log scale)');
  });

  it('escapes names so a run called <script> cannot inject markup', () => {
    const runs = sampleRuns();
    runs[0] = { ...runs[0]!, name: '<script>alert("x")</script>', scores: { ...runs[0]!.scores, '<img src=x onerror=1>': 0.5 } };
    const hostile = renderReportHtml({ sweep: { id: 'sw"><b>', name: '</title><script>evil()</script>' }, runs });
    expect(hostile).not.toMatch(/<script/i);
    expect(hostile).not.toMatch(/<img/i);
    expect(hostile).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(hostile).not.toContain('sw"><b>');
  });

  it('is self-contained: no external URL, script, stylesheet link or font', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script|<link|@import|@font-face|src=/i);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('renders a sweep with no finished runs without throwing, saying there is nothing to plot', () => {
    const empty = renderReportHtml({ sweep: { id: 's', name: 'empty' }, runs: [] });
    expect(empty).toContain('No runs.');
    expect(empty).toContain('No data to plot');
    expect(empty).toContain('No pretraining curves were recorded.');
  });

  it('uses the frontiers it is given instead of recomputing them', () => {
    const given = renderReportHtml({ ...input, frontiers: { params: ['r03'] } });
    expect(figure(given, 'pareto-params')).toContain('1 of 8 runs on the frontier');
  });
});
