// One sweep: live status (SSE), Pareto plots, loss curves, downstream scores and the runs with their progress.
//
// Loading: status, runs and scores come first (three requests); curves follow, one downsampled request per run with
// a few in flight, and the charts redraw as they arrive. Past CURVE_RUN_LIMIT runs only the best are fetched until
// the user asks for all, so a 1,000-run sweep opens in about a second.
import { PALETTE } from '@shapesweep/report';
import { apiGet, apiGetAll, storedToken, type Curve, type ResultItem, type RunSummary, type SweepReportResponse, type SweepStatus } from '../lib/api.js';
import { errorPanel, progressBar, statTiles, statusBadge } from '../lib/dom.js';
import { escapeHtml, formatCompact, formatDateTime, formatDuration, formatNumber, formatPercent, formatRelative } from '../lib/format.js';
import { forEachLimited } from '../lib/pool.js';
import { href } from '../lib/router.js';
import { openEventStream, type SweepEvent } from '../lib/sse.js';
import { LineChart, type ChartSeries } from '../plots/line-chart.js';
import { familyColor, familyLabel, runScatter } from '../plots/scatter.js';
import type { PageContext } from './page.js';
import {
  applyEvent, curveOrder, flopsOf, plotPoints, runFraction, scoreTable, taskOfPhase, upstreamDownstreamSpearman,
} from './sweep-model.js';

/** Curves fetched without asking: enough for any sweep a person reads line by line. */
const CURVE_RUN_LIMIT = 100;
/** Points per curve asked from the api (LTTB on the server keeps first, last and extremes). */
const CURVE_MAX_POINTS = 200;
/** Curve requests in flight at once. */
const CURVE_CONCURRENCY = 4;
/** Score table rows shown before "Show all". */
const SCORE_ROWS = 50;
/** Run table rows shown before "Show all" (running ones come first). */
const RUN_ROWS = 100;
/** Coalesce bursts of events into one status refresh, in ms. */
const STATUS_REFRESH_MS = 250;
/** After runs finish, refresh scores and plots at most this often, in ms. */
const RESULTS_REFRESH_MS = 1_500;
const MAX_RUNS = 100_000;

const percentAxis = (v: number): string => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;

interface State {
  status: SweepStatus;
  runs: Map<string, RunSummary>;
  scores: Map<string, ResultItem['scores']>;
  report: SweepReportResponse | null;
  /** runId → curves (train_loss of every phase). */
  curves: Map<string, Curve[]>;
  showAllScores: boolean;
  showAllRuns: boolean;
  fineTask: string | null;
}

export async function sweepPage(ctx: PageContext, sweepId: string): Promise<void> {
  ctx.root.innerHTML = '<p class="muted">Loading sweep…</p>';
  const { signal } = ctx;
  let state: State;
  try {
    const [status, runs, results, report] = await Promise.all([
      apiGet<SweepStatus>(`/v1/sweeps/${encodeURIComponent(sweepId)}`, {}, signal),
      apiGetAll<RunSummary, 'runs'>(`/v1/sweeps/${encodeURIComponent(sweepId)}/runs`, 'runs', { limit: 1000 }, MAX_RUNS, signal),
      apiGetAll<ResultItem, 'items'>('/v1/results', 'items', { sweep: sweepId, limit: 500 }, MAX_RUNS, signal),
      // The report is an extra (correlation within parameter groups); the page works without it.
      apiGet<SweepReportResponse>(`/v1/sweeps/${encodeURIComponent(sweepId)}/report`, {}, signal).catch(() => null),
    ]);
    state = {
      status,
      runs: new Map(runs.map((r) => [r.id, r])),
      scores: new Map(results.map((r) => [r.id, r.scores])),
      report,
      curves: new Map(),
      showAllScores: false,
      showAllRuns: false,
      fineTask: null,
    };
  } catch (err) {
    if (!signal.aborted) ctx.root.innerHTML = errorPanel(err instanceof Error ? err.message : String(err));
    return;
  }
  ctx.setTitle(state.status.sweep.name);
  ctx.root.innerHTML = layout(state);

  const charts = {
    pretrain: new LineChart({ key: 'curves-pretrain', title: 'Pretraining loss', x: { label: 'step' }, y: { label: 'train loss', log: true }, onSelect: (id) => (location.hash = href.run(id)) }),
    finetune: new LineChart({ key: 'curves-finetune', title: 'Finetuning loss', x: { label: 'step' }, y: { label: 'train loss', log: true }, onSelect: (id) => (location.hash = href.run(id)) }),
  };
  ctx.root.querySelector('#curves-pretrain')!.replaceWith(charts.pretrain.element);
  ctx.root.querySelector('#curves-finetune')!.replaceWith(charts.finetune.element);
  signal.addEventListener('abort', () => {
    charts.pretrain.destroy();
    charts.finetune.destroy();
  });

  renderStatus(ctx.root, state);
  renderPlots(ctx.root, state);
  renderScores(ctx.root, state);
  renderRuns(ctx.root, state);

  // ---- curves -------------------------------------------------------------------------------------------------
  const curveNote = ctx.root.querySelector<HTMLElement>('#curve-note')!;
  // Curves arrive one run at a time; redrawing after each would redraw thousands of lines hundreds of times.
  let redrawTimer = 0;
  let lastRedrawMs = 0;
  const redrawCurves = (): void => {
    if (redrawTimer !== 0) return;
    const intervalMs = state.curves.size > CURVE_RUN_LIMIT ? 1_000 : 200;
    redrawTimer = window.setTimeout(() => {
      redrawTimer = 0;
      lastRedrawMs = performance.now();
      drawCurves(ctx.root, state, charts);
    }, Math.max(0, lastRedrawMs + intervalMs - performance.now()));
  };
  const fetchCurves = async (runs: RunSummary[]): Promise<void> => {
    await forEachLimited(
      runs,
      CURVE_CONCURRENCY,
      (run) => apiGet<{ curves: Curve[] }>(`/v1/runs/${encodeURIComponent(run.id)}/metrics`, { name: 'train_loss', maxPoints: CURVE_MAX_POINTS }, signal),
      (run, result) => {
        if (result instanceof Error) return;
        state.curves.set(run.id, result.curves);
        redrawCurves();
      },
      signal,
    );
  };
  const curveCandidates = (): RunSummary[] => curveOrder([...state.runs.values()]);
  const loadCurves = (all: boolean): void => {
    const candidates = curveCandidates();
    const wanted = (all ? candidates : candidates.slice(0, CURVE_RUN_LIMIT)).filter((r) => !state.curves.has(r.id));
    const shown = all ? candidates.length : Math.min(candidates.length, CURVE_RUN_LIMIT);
    curveNote.innerHTML = candidates.length > shown
      ? `Curves of the ${shown} best runs of ${candidates.length}. <button type="button" class="link-button" data-action="all-curves">Load all</button>`
      : '';
    void fetchCurves(wanted);
  };
  curveNote.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('[data-action="all-curves"]') !== null) loadCurves(true);
  });
  ctx.root.querySelector('#fine-task')?.addEventListener('change', (e) => {
    state.fineTask = (e.target as HTMLSelectElement).value;
    drawCurves(ctx.root, state, charts);
  });
  drawCurves(ctx.root, state, charts);
  loadCurves(false);

  // ---- interactions ---------------------------------------------------------------------------------------------
  ctx.root.addEventListener('click', (e) => {
    const target = e.target as Element;
    const point = target.closest('circle[data-run-id]');
    if (point !== null) {
      location.hash = href.run(point.getAttribute('data-run-id')!);
      return;
    }
    if (target.closest('[data-action="all-scores"]') !== null) {
      state.showAllScores = true;
      renderScores(ctx.root, state);
    }
    if (target.closest('[data-action="all-runs"]') !== null) {
      state.showAllRuns = true;
      renderRuns(ctx.root, state);
    }
  });

  // ---- live updates -------------------------------------------------------------------------------------------
  const live = ctx.root.querySelector<HTMLElement>('#live')!;
  let statusTimer = 0;
  let resultsTimer = 0;
  const refreshStatus = (): void => {
    window.clearTimeout(statusTimer);
    statusTimer = window.setTimeout(() => {
      apiGet<SweepStatus>(`/v1/sweeps/${encodeURIComponent(sweepId)}`, {}, signal)
        .then((status) => {
          state.status = status;
          renderStatus(ctx.root, state);
        })
        .catch(() => undefined);
    }, STATUS_REFRESH_MS);
  };
  const refreshResults = (finishedRunIds: string[]): void => {
    window.clearTimeout(resultsTimer);
    resultsTimer = window.setTimeout(() => {
      Promise.all([
        apiGetAll<RunSummary, 'runs'>(`/v1/sweeps/${encodeURIComponent(sweepId)}/runs`, 'runs', { limit: 1000 }, MAX_RUNS, signal),
        apiGetAll<ResultItem, 'items'>('/v1/results', 'items', { sweep: sweepId, limit: 500 }, MAX_RUNS, signal),
        apiGet<SweepReportResponse>(`/v1/sweeps/${encodeURIComponent(sweepId)}/report`, {}, signal).catch(() => state.report),
      ])
        .then(([runs, results, report]) => {
          state.runs = new Map(runs.map((r) => [r.id, r]));
          state.scores = new Map(results.map((r) => [r.id, r.scores]));
          state.report = report;
          renderPlots(ctx.root, state);
          renderScores(ctx.root, state);
          renderRuns(ctx.root, state);
          // A finished run's curve is complete now: fetch it again.
          for (const id of finishedRunIds) state.curves.delete(id);
          const runs_ = finishedRunIds.map((id) => state.runs.get(id)).filter((r): r is RunSummary => r !== undefined);
          void fetchCurves(runs_);
        })
        .catch(() => undefined);
    }, RESULTS_REFRESH_MS);
  };
  const finished: string[] = [];
  const onEvent = (event: SweepEvent): void => {
    if (event.runId !== null) {
      const run = state.runs.get(event.runId);
      if (run !== undefined) {
        const next = applyEvent(run, event);
        if (next !== run) {
          state.runs.set(run.id, next);
          updateRunRow(ctx.root, state, next, next.status !== run.status);
        }
      }
    }
    if (event.type === 'run.completed' || event.type === 'run.failed' || event.type === 'run.cancelled') {
      if (event.runId !== null) finished.push(event.runId);
      refreshResults(finished.splice(0));
    }
    if (event.type !== 'run.metrics') refreshStatus();
  };
  const stream = openEventStream(`/v1/sweeps/${encodeURIComponent(sweepId)}/events?after=now`, storedToken(), {
    onEvent,
    onConnection: (connected) => {
      live.className = `live ${connected ? 'on' : 'off'}`;
      live.dataset['connected'] = String(connected);
      live.textContent = connected ? 'Live' : 'Reconnecting…';
    },
  });
  signal.addEventListener('abort', () => {
    stream.close();
    window.clearTimeout(statusTimer);
    window.clearTimeout(resultsTimer);
    window.clearTimeout(redrawTimer);
  });
}

// ---- rendering ----------------------------------------------------------------------------------------------------

function layout(state: State): string {
  const s = state.status.sweep;
  return `<nav class="crumbs"><a href="${href.sweeps()}">Sweeps</a><span>/</span><span>${escapeHtml(s.name)}</span></nav>
  <div class="page-head">
    <div>
      <h1>${escapeHtml(s.name)} <span id="sweep-status">${statusBadge(s.status)}</span></h1>
      <p class="meta"><span class="mono">${escapeHtml(s.id)}</span> · ${s.cellCount} cells · priority ${s.priority} ·
        created <span title="${escapeHtml(formatDateTime(s.createdAt))}">${escapeHtml(formatRelative(s.createdAt))}</span></p>
    </div>
    <div class="head-actions"><span id="live" class="live off" data-connected="false">Connecting…</span>
      <a class="button" href="${href.budget(new URLSearchParams({ sweep: s.id }))}">Query by budget</a></div>
  </div>
  <section id="status"></section>
  <section class="section">
    <div class="section-head"><h2>Quality per unit of compute</h2>
      <p class="hint">Mean downstream score of each finished run. The dashed line is the Pareto frontier; <span class="ring-key"></span> DeepNarrow cells are ringed. Click a point to open the run.</p></div>
    <div class="plot-grid" id="plots"></div>
  </section>
  <section class="section">
    <div class="section-head"><h2>Loss curves</h2><p class="hint" id="curve-note"></p></div>
    <div class="plot-grid">
      <div id="curves-pretrain"></div>
      <div class="finetune-wrap"><label class="inline-select">Task <select id="fine-task"></select></label><div id="curves-finetune"></div></div>
    </div>
  </section>
  <section class="section">
    <div class="section-head"><h2>Downstream scores</h2><p class="hint">Headline metric per task (accuracy where the task has it), upstream negative log-perplexity, and the mean over tasks. Best per column in bold.</p></div>
    <div class="panel" id="scores"></div>
  </section>
  <section class="section">
    <div class="section-head"><h2>Runs</h2><p class="hint">Status and progress update live; running runs first.</p></div>
    <div class="panel scroll" id="runs"></div>
  </section>`;
}

function renderStatus(root: HTMLElement, state: State): void {
  const { sweep, progress } = state.status;
  const c = sweep.counts;
  root.querySelector('#sweep-status')!.innerHTML = statusBadge(sweep.status);
  const eta = progress.etaSeconds === null ? (c.RUNNING > 0 ? 'measuring…' : '–') : progress.etaSeconds === 0 ? 'done' : formatDuration(progress.etaSeconds);
  root.querySelector('#status')!.innerHTML = `${statTiles([
    { label: 'Runs', value: String(sweep.cellCount), key: 'total' },
    { label: 'Succeeded', value: `<span class="c-succeeded">${c.SUCCEEDED}</span>`, key: 'succeeded' },
    { label: 'Running', value: `<span class="c-running">${c.RUNNING}</span>`, key: 'running' },
    { label: 'Queued', value: String(c.QUEUED + c.PENDING), key: 'queued', hint: `${c.QUEUED} queued, ${c.PENDING} waiting to be enqueued` },
    { label: 'Failed', value: `<span class="${c.FAILED > 0 ? 'c-failed' : ''}">${c.FAILED}</span>`, key: 'failed' },
    { label: 'Cancelled', value: String(c.CANCELLED), key: 'cancelled' },
    { label: 'Throughput', value: progress.tokensPerSecond > 0 ? `${formatCompact(progress.tokensPerSecond)} tok/s` : '–', key: 'throughput' },
    { label: 'ETA', value: escapeHtml(eta), key: 'eta' },
  ])}
  <div class="overall"><div class="overall-label"><span>Steps ${formatCompact(progress.stepsDone)} / ${formatCompact(progress.stepsTotal)}</span><span>${formatPercent(progress.fraction)}</span></div>
  ${progressBar(progress.fraction)}</div>`;
}

function renderPlots(root: HTMLElement, state: State): void {
  const runs = [...state.runs.values()];
  const params = plotPoints(runs, 'params');
  const flops = plotPoints(runs, 'flops');
  const speed = plotPoints(runs, 'speed');
  const upstream = plotPoints(runs, 'upstream');
  const rho = upstreamDownstreamSpearman(upstream);
  const within = state.report?.report.rankCorrelation.withinParamGroups;
  const spread = (points: { x: number }[]): boolean => {
    const xs = points.map((p) => p.x).filter((x) => x > 0);
    return xs.length > 1 && Math.max(...xs) / Math.min(...xs) > 20;
  };
  const score = { label: 'mean downstream score', format: percentAxis };
  const subtitle = (n: number): string => `${n} finished run${n === 1 ? '' : 's'}`;
  root.querySelector('#plots')!.innerHTML = [
    runScatter({ key: 'pareto-params', title: 'Parameters × score', subtitle: subtitle(params.length), points: params, x: { label: 'parameters', log: true }, y: score, frontier: 'min-x' }),
    runScatter({ key: 'pareto-flops', title: 'Training FLOPs × score', subtitle: subtitle(flops.length), points: flops, x: { label: 'training FLOPs', log: true }, y: score, frontier: 'min-x' }),
    runScatter({ key: 'pareto-speed', title: 'Measured speed × score', subtitle: `${subtitle(speed.length)} · faster is better`, points: speed, x: { label: 'tokens / second', log: spread(speed) }, y: score, frontier: 'max-x' }),
    runScatter({
      key: 'upstream-downstream',
      title: 'Upstream vs downstream',
      subtitle: `Spearman ρ = ${rho === null ? 'n/a' : rho.toFixed(2)} (n = ${upstream.length})${within === undefined || within.meanSpearman === null ? '' : ` · within equal-param groups ρ = ${within.meanSpearman.toFixed(2)}`}`,
      points: upstream,
      x: { label: 'upstream negative log-perplexity', format: (v) => v.toFixed(2) },
      y: score,
    }),
  ].join('');
  root.querySelector<HTMLElement>('[data-plot="upstream-downstream"]')!.dataset['spearman'] = rho === null ? '' : rho.toFixed(4);
}

function runColorMap(state: State): Map<string, string> {
  const ids = [...state.curves.keys()];
  const runs = ids.map((id) => state.runs.get(id)).filter((r): r is RunSummary => r !== undefined);
  // Few runs: one colour each (the legend names them). Many: colour by family, so DeepNarrow vs reference reads at a glance.
  const perRun = runs.length <= 12;
  const sorted = [...runs].sort((a, b) => a.cost.params - b.cost.params || (a.name < b.name ? -1 : 1));
  return new Map(sorted.map((r, i) => [r.id, perRun ? PALETTE[i % PALETTE.length]! : familyColor(r.family)]));
}

function drawCurves(root: HTMLElement, state: State, charts: { pretrain: LineChart; finetune: LineChart }): void {
  const colors = runColorMap(state);
  const tasks = new Set<string>();
  for (const curves of state.curves.values()) for (const c of curves) {
    const t = taskOfPhase(c.phase);
    if (t !== null) tasks.add(t);
  }
  const taskList = [...tasks].sort();
  if (state.fineTask === null || !tasks.has(state.fineTask)) state.fineTask = taskList[0] ?? null;
  const select = root.querySelector<HTMLSelectElement>('#fine-task');
  if (select !== null && select.options.length !== taskList.length) {
    select.innerHTML = taskList.map((t) => `<option value="${escapeHtml(t)}"${t === state.fineTask ? ' selected' : ''}>${escapeHtml(t)}</option>`).join('');
  }
  const pre: ChartSeries[] = [];
  const fine: ChartSeries[] = [];
  for (const [runId, curves] of state.curves) {
    const run = state.runs.get(runId);
    if (run === undefined) continue;
    const label = run.name;
    const color = colors.get(runId) ?? familyColor(run.family);
    const dashed = run.family === 'deepnarrow';
    for (const c of curves) {
      if (c.phase === 'pretrain') pre.push({ id: runId, label, color, points: c.points, dashed });
      else if (taskOfPhase(c.phase) === state.fineTask) fine.push({ id: runId, label, color, points: c.points, dashed });
    }
  }
  const byParams = (a: ChartSeries, b: ChartSeries): number => (state.runs.get(a.id)?.cost.params ?? 0) - (state.runs.get(b.id)?.cost.params ?? 0);
  pre.sort(byParams);
  fine.sort(byParams);
  charts.pretrain.setSeries(pre, `${pre.length} run${pre.length === 1 ? '' : 's'} · DeepNarrow dashed`);
  charts.finetune.setSeries(fine, state.fineTask === null ? 'no finetuning curves' : `${fine.length} run${fine.length === 1 ? '' : 's'} · ${state.fineTask}`);
}

function renderScores(root: HTMLElement, state: State): void {
  const { tasks, rows } = scoreTable([...state.runs.values()], state.scores);
  const el = root.querySelector('#scores')!;
  if (rows.length === 0) {
    el.innerHTML = '<p class="empty">No finished runs yet.</p>';
    return;
  }
  const best = (values: (number | null | undefined)[]): number => Math.max(...values.filter((v): v is number => typeof v === 'number'));
  const bestTask = Object.fromEntries(tasks.map((t) => [t, best(rows.map((r) => r.tasks[t]))]));
  const bestMean = best(rows.map((r) => r.mean));
  const bestUp = best(rows.map((r) => r.upstream));
  const cell = (v: number | null | undefined, top: number, text: string): string => `<td class="num${v === top ? ' best' : ''}">${text}</td>`;
  const visible = state.showAllScores ? rows : rows.slice(0, SCORE_ROWS);
  el.innerHTML = `<table class="table" id="score-table" data-rows="${rows.length}">
    <thead><tr><th>#</th><th>Run</th><th>Family</th><th class="num">Params</th><th class="num">FLOPs</th><th class="num">Upstream</th>
      ${tasks.map((t) => `<th class="num">${escapeHtml(t)}</th>`).join('')}<th class="num">Mean</th></tr></thead>
    <tbody>${visible
      .map(
        (r, i) => `<tr data-run-id="${escapeHtml(r.run.id)}"><td class="muted">${i + 1}</td>
        <td><a href="${href.run(r.run.id)}">${escapeHtml(r.run.name)}</a>${r.run.seed === 0 ? '' : `<span class="sub"> seed ${r.run.seed}</span>`}</td>
        <td>${familyTag(r.run.family)}</td>
        <td class="num">${formatCompact(r.run.cost.params)}</td>
        <td class="num">${formatCompact(flopsOf(r.run))}</td>
        ${cell(r.upstream, bestUp, formatNumber(r.upstream, 3))}
        ${tasks.map((t) => cell(r.tasks[t], bestTask[t]!, formatPercent(r.tasks[t]))).join('')}
        ${cell(r.mean, bestMean, formatPercent(r.mean))}</tr>`,
      )
      .join('')}</tbody></table>
    ${rows.length > visible.length ? `<div class="table-foot"><button type="button" class="button" data-action="all-scores">Show all ${rows.length} runs</button></div>` : ''}`;
}

function familyTag(family: string): string {
  return `<span class="family family-${escapeHtml(family)}"><i style="background:${escapeHtml(familyColor(family))}"></i>${escapeHtml(familyLabel(family))}</span>`;
}

function runRowInner(run: RunSummary): string {
  const fraction = runFraction(run);
  const stepText = `${formatCompact(run.status === 'SUCCEEDED' ? run.progress.totalSteps : run.progress.step)} / ${formatCompact(run.progress.totalSteps)}`;
  return `<td><a href="${href.run(run.id)}">${escapeHtml(run.name)}</a>${run.seed === 0 ? '' : `<span class="sub"> seed ${run.seed}</span>`}</td>
    <td>${familyTag(run.family)}</td>
    <td class="mono small">${run.shape.el}/${run.shape.dl} · ${run.shape.dm} · ${run.shape.ff} · ${run.shape.nh}</td>
    <td class="num">${formatCompact(run.cost.params)}</td>
    <td data-cell="status">${statusBadge(run.status)}</td>
    <td class="progress-cell" data-cell="progress">${progressBar(fraction, `${run.progress.phase ?? ''} ${stepText}`)}<span class="small muted">${escapeHtml(run.status === 'RUNNING' && run.progress.phase !== null ? `${run.progress.phase} · ` : '')}${stepText}</span></td>
    <td class="num">${run.progress.tokensPerSecond === null ? '–' : formatCompact(run.progress.tokensPerSecond)}</td>
    <td class="num">${formatDuration(run.cost.wallSeconds)}</td>
    <td class="small">${escapeHtml(run.workerId ?? '–')}${run.backend === null ? '' : `<div class="sub">${escapeHtml(run.backend)}</div>`}</td>
    <td class="num">${formatPercent(run.quality.downstreamMean)}</td>`;
}

/** Running runs first (their bars move), then waiting, failed, and finished ones; by size within each. */
const STATUS_ORDER: Record<string, number> = { RUNNING: 0, QUEUED: 1, PENDING: 1, FAILED: 2, CANCELLED: 3, SUCCEEDED: 4 };

function renderRuns(root: HTMLElement, state: State): void {
  const runs = [...state.runs.values()].sort(
    (a, b) => (STATUS_ORDER[a.status] ?? 5) - (STATUS_ORDER[b.status] ?? 5) || a.cost.params - b.cost.params || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.seed - b.seed),
  );
  // A thousand rows of progress bars cost more to lay out than everything else on the page together.
  const visible = state.showAllRuns ? runs : runs.slice(0, RUN_ROWS);
  root.querySelector('#runs')!.innerHTML = `<table class="table" id="runs-table" data-rows="${runs.length}">
    <thead><tr><th>Run</th><th>Family</th><th>Layers enc/dec · dm · ff · heads</th><th class="num">Params</th><th>Status</th><th>Progress</th><th class="num">Tokens/s</th><th class="num">Wall</th><th>Worker</th><th class="num">Score</th></tr></thead>
    <tbody>${visible.map((r) => `<tr data-run-id="${escapeHtml(r.id)}" data-status="${escapeHtml(r.status)}">${runRowInner(r)}</tr>`).join('')}</tbody></table>
    ${runs.length > visible.length ? `<div class="table-foot"><button type="button" class="button" data-action="all-runs">Show all ${runs.length} runs</button></div>` : ''}`;
}

/** Redraws one row in place; a run that is not on screen (past RUN_ROWS) and just started brings the table back in order. */
function updateRunRow(root: HTMLElement, state: State, run: RunSummary, statusChanged: boolean): void {
  const row = root.querySelector<HTMLTableRowElement>(`#runs-table tr[data-run-id="${CSS.escape(run.id)}"]`);
  if (row === null) {
    if (statusChanged) renderRuns(root, state);
    return;
  }
  row.dataset['status'] = run.status;
  row.innerHTML = runRowInner(run);
}
