// One run: shape and cost, where and how it ran, its curves, scores and checkpoints. While the run is active the
// page follows its sweep's event stream and refreshes on this run's events.
import { PALETTE } from '@shapesweep/report';
import { apiGet, storedToken, type Curve, type RunDetail, type RunSummary, type WorkerView } from '../lib/api.js';
import { errorPanel, progressBar, statTiles, statusBadge } from '../lib/dom.js';
import { escapeHtml, formatBytes, formatCompact, formatDateTime, formatDuration, formatMaybe, formatNumber, formatPercent } from '../lib/format.js';
import { href } from '../lib/router.js';
import { openEventStream } from '../lib/sse.js';
import { LineChart, type ChartSeries } from '../plots/line-chart.js';
import { familyLabel } from '../plots/scatter.js';
import type { PageContext } from './page.js';
import { runFraction, taskOfPhase } from './sweep-model.js';

/** Points per curve: one run's charts can afford more detail than the sweep overview. */
const CURVE_MAX_POINTS = 600;
const ACTIVE = new Set(['PENDING', 'QUEUED', 'RUNNING']);
/** Least time between two reloads of a running run's page triggered by its progress or metrics events, in ms. */
const PROGRESS_RELOAD_MS = 10_000;

interface ChartSpec {
  key: string;
  title: string;
  y: { label: string; log?: boolean; zero?: boolean };
  /** Which curves go in: returns the series label, or null to leave the curve out. */
  pick(curve: Curve): string | null;
}

const CHARTS: ChartSpec[] = [
  {
    key: 'run-pretrain-loss',
    title: 'Pretraining loss',
    y: { label: 'loss', log: true },
    pick: (c) => (c.phase === 'pretrain' && (c.name === 'train_loss' || c.name === 'eval_loss') ? c.name.replace('_', ' ') : null),
  },
  {
    key: 'run-finetune-loss',
    title: 'Finetuning loss per task',
    y: { label: 'train loss', log: true },
    pick: (c) => (c.name === 'train_loss' ? taskOfPhase(c.phase) : null),
  },
  {
    key: 'run-lr',
    title: 'Learning rate',
    y: { label: 'learning rate', log: true },
    pick: (c) => (c.name === 'lr' ? (c.phase === 'pretrain' ? 'pretrain' : taskOfPhase(c.phase)) : null),
  },
  {
    key: 'run-throughput',
    title: 'Throughput',
    y: { label: 'tokens / second', zero: true },
    pick: (c) => (c.name === 'tokens_per_s' ? (c.phase === 'pretrain' ? 'pretrain' : taskOfPhase(c.phase)) : null),
  },
];

function definitionList(items: readonly [string, string][]): string {
  return `<dl class="facts">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function render(detail: RunDetail, worker: WorkerView | null): string {
  const r = detail.run;
  const s = r.shape;
  const scores = [...detail.scores].sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : a.metric < b.metric ? -1 : 1));
  const error = r.error === null ? '' : `<div class="panel error-panel" role="alert"><strong>${escapeHtml(r.error.code ?? 'Error')}</strong><p>${escapeHtml(r.error.message)}</p></div>`;
  return `<nav class="crumbs"><a href="${href.sweeps()}">Sweeps</a><span>/</span><a href="${href.sweep(r.sweepId)}" id="sweep-link">sweep</a><span>/</span><span>${escapeHtml(r.name)}</span></nav>
  <div class="page-head">
    <div><h1>${escapeHtml(r.name)} <span id="run-status">${statusBadge(r.status)}</span></h1>
      <p class="meta"><span class="mono">${escapeHtml(r.id)}</span> · ${escapeHtml(familyLabel(r.family))}${r.referenceName === null ? '' : ` of ${escapeHtml(r.referenceName)}`} · seed ${r.seed} · width scale ${r.widthScale}</p></div>
  </div>
  ${error}
  ${statTiles([
    { label: 'Parameters', value: formatCompact(r.cost.params), key: 'params', hint: `${r.cost.params.toLocaleString()} parameters` },
    { label: 'Training FLOPs', value: formatCompact(r.cost.trainFlopsSpent ?? r.cost.plannedTrainFlops), key: 'flops', hint: r.cost.trainFlopsSpent === null ? 'planned' : 'spent' },
    { label: 'Neg. log-ppl', value: formatNumber(r.quality.negLogPerplexity, 3), key: 'upstream' },
    { label: 'Mean downstream', value: formatPercent(r.quality.downstreamMean), key: 'downstream' },
    { label: 'Tokens/s', value: formatMaybe(r.progress.tokensPerSecond), key: 'speed' },
    { label: 'Wall time', value: formatDuration(r.cost.wallSeconds), key: 'wall' },
  ])}
  <div class="overall"><div class="overall-label"><span>${escapeHtml(r.progress.phase ?? (r.status === 'SUCCEEDED' ? 'done' : 'not started'))} · step ${formatCompact(r.status === 'SUCCEEDED' ? r.progress.totalSteps : r.progress.step)} / ${formatCompact(r.progress.totalSteps)}</span><span>${formatPercent(runFraction(r))}</span></div>${progressBar(runFraction(r))}</div>
  <section class="section"><div class="section-head"><h2>Curves</h2><p class="hint">Downsampled on the server to ${CURVE_MAX_POINTS} points per curve (first, last and extremes kept).</p></div>
    <div class="plot-grid" id="run-charts">${CHARTS.map((c) => `<div id="${c.key}"></div>`).join('')}</div></section>
  <div class="columns">
    <section class="panel"><h3>Shape</h3>${definitionList([
      ['Encoder layers', String(s.el)], ['Decoder layers', String(s.dl)], ['Model dim (dm)', String(s.dm)], ['FFN dim (ff)', String(s.ff)],
      ['Heads (nh)', String(s.nh)], ['Head dim (kv)', String(s.kv)], ['Vocabulary', String(s.vocab)],
    ])}</section>
    <section class="panel"><h3>Cost</h3>${definitionList([
      ['Parameters', r.cost.params.toLocaleString()], ['Embedding', r.cost.embeddingParams.toLocaleString()], ['Non-embedding', r.cost.nonEmbeddingParams.toLocaleString()],
      ['FLOPs / example', formatCompact(r.cost.flopsPerExample)], ['Planned train FLOPs', formatCompact(r.cost.plannedTrainFlops)],
      ['Spent train FLOPs', formatMaybe(r.cost.trainFlopsSpent)], ['Tokens seen', formatCompact(r.progress.tokensSeen)],
    ])}</section>
    <section class="panel" id="execution"><h3>Execution</h3>${definitionList([
      ['Worker', r.workerId === null ? '–' : `<span class="mono">${escapeHtml(r.workerId)}</span>`],
      ['Host', worker === null ? '–' : escapeHtml(worker.host)],
      ['Backend', escapeHtml(r.backend ?? '–')], ['Device', escapeHtml(r.device ?? '–')], ['Attempts', String(r.attempts)],
      ['Queued', escapeHtml(formatDateTime(r.enqueuedAt))], ['Started', escapeHtml(formatDateTime(r.startedAt))], ['Finished', escapeHtml(formatDateTime(r.finishedAt))],
    ])}</section>
  </div>
  <div class="columns two">
    <section class="panel"><h3>Downstream scores</h3>${scores.length === 0 ? '<p class="empty">No scores yet.</p>' : `<table class="table" id="run-scores"><thead><tr><th>Task</th><th>Metric</th><th class="num">Value</th><th class="num">Step</th></tr></thead><tbody>${scores
      .map((x) => `<tr><td>${escapeHtml(x.task)}</td><td>${escapeHtml(x.metric)}</td><td class="num">${formatPercent(x.value)}</td><td class="num">${x.step}</td></tr>`)
      .join('')}</tbody></table>`}</section>
    <section class="panel"><h3>Checkpoints</h3>${detail.checkpoints.length === 0 ? '<p class="empty">No checkpoints.</p>' : `<table class="table" id="run-checkpoints"><thead><tr><th>Phase</th><th class="num">Step</th><th class="num">Size</th><th>Written</th><th>Location</th></tr></thead><tbody>${[...detail.checkpoints]
      .sort((a, b) => (a.phase === 'pretrain' ? 0 : 1) - (b.phase === 'pretrain' ? 0 : 1) || (a.phase < b.phase ? -1 : a.phase > b.phase ? 1 : a.step - b.step))
      .map((c) => `<tr><td>${escapeHtml(c.phase)}</td><td class="num">${c.step}</td><td class="num">${formatBytes(c.bytes)}</td><td>${escapeHtml(formatDateTime(c.createdAt))}</td><td class="mono small wrap">${escapeHtml(c.uri)}</td></tr>`)
      .join('')}</tbody></table>`}</section>
  </div>
  <section class="panel"><h3>Latest metrics</h3>${detail.latestMetrics.length === 0 ? '<p class="empty">None yet.</p>' : `<table class="table"><thead><tr><th>Phase</th><th>Metric</th><th class="num">Step</th><th class="num">Value</th></tr></thead><tbody>${detail.latestMetrics
    .map((m) => `<tr><td>${escapeHtml(m.phase)}</td><td>${escapeHtml(m.name)}</td><td class="num">${m.step}</td><td class="num">${formatCompact(m.value)}</td></tr>`)
    .join('')}</tbody></table>`}</section>`;
}

/** Pretraining first, then the tasks by name: the order training ran them. */
function phaseOrder(a: Curve, b: Curve): number {
  const rank = (c: Curve): string => `${c.phase === 'pretrain' ? 0 : 1}${c.phase}/${c.name}`;
  return rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0;
}

function chartSeries(spec: ChartSpec, curves: readonly Curve[]): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const c of [...curves].sort(phaseOrder)) {
    const label = spec.pick(c);
    if (label === null) continue;
    out.push({ id: `${c.phase}/${c.name}`, label, color: PALETTE[out.length % PALETTE.length]!, points: c.points, dashed: c.name === 'eval_loss' });
  }
  return out;
}

async function load(runId: string, signal: AbortSignal): Promise<{ detail: RunDetail; curves: Curve[]; worker: WorkerView | null }> {
  const id = encodeURIComponent(runId);
  const [detail, metrics, workers] = await Promise.all([
    apiGet<RunDetail>(`/v1/runs/${id}`, {}, signal),
    apiGet<{ curves: Curve[] }>(`/v1/runs/${id}/metrics`, { maxPoints: CURVE_MAX_POINTS }, signal),
    // The host is a nicety; a worker that is long gone is not listed.
    apiGet<{ workers: WorkerView[] }>('/v1/workers', {}, signal).catch(() => ({ workers: [] as WorkerView[] })),
  ]);
  const worker = detail.run.workerId === null ? null : workers.workers.find((w) => w.id === detail.run.workerId) ?? null;
  return { detail, curves: metrics.curves, worker };
}

export async function runPage(ctx: PageContext, runId: string): Promise<void> {
  ctx.root.innerHTML = '<p class="muted">Loading run…</p>';
  const { signal } = ctx;
  const charts = CHARTS.map((spec) => ({ spec, chart: new LineChart({ key: spec.key, title: spec.title, x: { label: 'step' }, y: spec.y }) }));
  signal.addEventListener('abort', () => charts.forEach((c) => c.chart.destroy()));

  const show = (data: { detail: RunDetail; curves: Curve[]; worker: WorkerView | null }): void => {
    ctx.setTitle(data.detail.run.name);
    ctx.root.innerHTML = render(data.detail, data.worker);
    for (const { spec, chart } of charts) {
      ctx.root.querySelector(`#${spec.key}`)!.replaceWith(chart.element);
      const series = chartSeries(spec, data.curves);
      chart.setSeries(series, series.length === 0 ? 'no data' : `${series.reduce((n, s) => n + s.points.length, 0)} points`);
    }
  };

  let first: { detail: RunDetail; curves: Curve[]; worker: WorkerView | null };
  try {
    first = await load(runId, signal);
  } catch (err) {
    if (!signal.aborted) ctx.root.innerHTML = errorPanel(err instanceof Error ? err.message : String(err));
    return;
  }
  show(first);
  // The sweep's name for the breadcrumb, without holding up the page.
  apiGet<{ sweep: { name: string } }>(`/v1/sweeps/${encodeURIComponent(first.detail.run.sweepId)}`, {}, signal)
    .then((s) => {
      const link = ctx.root.querySelector('#sweep-link');
      if (link !== null) link.textContent = s.sweep.name;
    })
    .catch(() => undefined);

  if (!ACTIVE.has(first.detail.run.status)) return;
  let timer = 0;
  let lastLoadMs = Date.now();
  let current: RunSummary = first.detail.run;
  const reload = (): void => {
    timer = 0;
    lastLoadMs = Date.now();
    load(runId, signal)
      .then((data) => {
        current = data.detail.run;
        const sweepName = ctx.root.querySelector('#sweep-link')?.textContent ?? null;
        show(data);
        if (sweepName !== null) ctx.root.querySelector('#sweep-link')!.textContent = sweepName;
        if (!ACTIVE.has(current.status)) stream.close();
      })
      .catch(() => undefined);
  };
  const stream = openEventStream(`/v1/sweeps/${encodeURIComponent(current.sweepId)}/events?after=now`, storedToken(), {
    onConnection: () => undefined,
    onEvent: (event) => {
      if (event.runId !== runId) return;
      // A reload fetches the run, every curve and the workers: a status change gets one at once (after 500 ms, to
      // coalesce a burst), while progress and metrics, which arrive every few seconds, wait until PROGRESS_RELOAD_MS
      // has passed since the last one.
      const statusChange = event.type !== 'run.progress' && event.type !== 'run.metrics';
      const delayMs = statusChange ? 500 : Math.max(500, lastLoadMs + PROGRESS_RELOAD_MS - Date.now());
      if (timer !== 0 && !statusChange) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(reload, delayMs);
    },
  });
  signal.addEventListener('abort', () => {
    stream.close();
    window.clearTimeout(timer);
  });
}

