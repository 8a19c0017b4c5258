// "What is the best model under this budget?": a form over GET /v1/results. The query lives in the URL hash
// (#/budget?maxParams=60M&...), so an answer can be bookmarked and shared.
import { apiGet, type ResultItem, type Sweep } from '../lib/api.js';
import { errorPanel, statusBadge } from '../lib/dom.js';
import { escapeHtml, formatCompact, formatDuration, formatNumber, formatPercent, parseAmount } from '../lib/format.js';
import { href } from '../lib/router.js';
import { familyColor, familyLabel } from '../plots/scatter.js';
import type { PageContext } from './page.js';
import { headlineScore } from './sweep-model.js';

/** Tasks shipped with shapesweep (packages/data); results for other task names work through the URL. */
const TASKS = ['sentiment', 'spam', 'genre', 'wic'] as const;

export interface BudgetForm {
  maxParams: string;
  maxFlops: string;
  maxWallSeconds: string;
  /** 'downstream' | 'upstream' | a task name. */
  rank: string;
  sweep: string;
  sort: string;
  limit: string;
}

export function formFromQuery(query: URLSearchParams): BudgetForm {
  return {
    maxParams: query.get('maxParams') ?? '',
    maxFlops: query.get('maxFlops') ?? '',
    maxWallSeconds: query.get('maxWallSeconds') ?? '',
    rank: query.get('rank') ?? 'downstream',
    sweep: query.get('sweep') ?? '',
    sort: query.get('sort') ?? 'score',
    limit: query.get('limit') ?? '20',
  };
}

/**
 * The /v1/results query for a form, or the first field that is wrong ("max params: …"). Amounts accept SI suffixes
 * ("60M", "1.5e18", "3P").
 */
export function resultsQuery(form: BudgetForm): { query: Record<string, string | number>; error: null } | { query: null; error: string } {
  const query: Record<string, string | number> = { sort: form.sort, limit: Number(form.limit) || 20 };
  const amounts: [keyof BudgetForm, string, string][] = [
    ['maxParams', 'maxParams', 'max params'],
    ['maxFlops', 'maxFlops', 'max FLOPs'],
    ['maxWallSeconds', 'maxWallSeconds', 'max wall seconds'],
  ];
  for (const [field, param, label] of amounts) {
    const value = parseAmount(form[field]);
    if (value === null) continue;
    if (Number.isNaN(value)) return { query: null, error: `${label}: ${JSON.stringify(form[field])} is not a positive number (try 60M, 1.5e18, 3P)` };
    query[param] = value;
  }
  if (form.rank === 'downstream' || form.rank === 'upstream') query['metric'] = form.rank;
  else query['task'] = form.rank;
  if (form.sweep !== '') query['sweep'] = form.sweep;
  return { query, error: null };
}

function option(value: string, label: string, selected: string): string {
  return `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

function results(items: ResultItem[], form: BudgetForm): string {
  if (items.length === 0) return '<p class="empty" id="budget-empty">No finished run fits this budget.</p>';
  const valueLabel = form.rank === 'downstream' ? 'Mean score' : form.rank === 'upstream' ? 'Neg. log-ppl' : `${form.rank}`;
  const value = (v: number): string => (form.rank === 'upstream' ? formatNumber(v, 3) : formatPercent(v));
  const winner = items[0]!;
  return `<div class="answer" id="budget-winner"><div class="answer-label">Best under this budget</div>
      <div class="answer-name"><a href="${href.run(winner.id)}">${escapeHtml(winner.name)}</a></div>
      <div class="answer-meta">${escapeHtml(valueLabel)} ${value(winner.value)} · ${formatCompact(winner.cost.params)} params · ${formatCompact(winner.flops)} FLOPs</div></div>
    <table class="table" id="budget-results" data-rows="${items.length}"><thead><tr><th>#</th><th>Run</th><th>Family</th><th class="num">Params</th><th class="num">FLOPs</th><th class="num">Wall</th>
      ${TASKS.map((t) => `<th class="num">${t}</th>`).join('')}<th class="num">${escapeHtml(valueLabel)}</th><th>Status</th></tr></thead>
    <tbody>${items
      .map(
        (r, i) => `<tr data-run-id="${escapeHtml(r.id)}"><td class="muted">${i + 1}</td><td><a href="${href.run(r.id)}">${escapeHtml(r.name)}</a><div class="sub"><a href="${href.sweep(r.sweepId)}">sweep</a></div></td>
        <td><span class="family"><i style="background:${escapeHtml(familyColor(r.family))}"></i>${escapeHtml(familyLabel(r.family))}</span></td>
        <td class="num">${formatCompact(r.cost.params)}</td><td class="num">${formatCompact(r.flops)}</td><td class="num">${formatDuration(r.cost.wallSeconds)}</td>
        ${TASKS.map((t) => `<td class="num">${formatPercent(headlineScore(r.scores[t]))}</td>`).join('')}
        <td class="num strong">${value(r.value)}</td><td>${statusBadge(r.status)}</td></tr>`,
      )
      .join('')}</tbody></table>`;
}

export async function budgetPage(ctx: PageContext, query: URLSearchParams): Promise<void> {
  ctx.setTitle('Best under a budget');
  const form = formFromQuery(query);
  const sweeps = await apiGet<{ sweeps: Sweep[] }>('/v1/sweeps', { limit: 200 }, ctx.signal).catch(() => ({ sweeps: [] as Sweep[] }));
  ctx.root.innerHTML = `<div class="page-head"><div><h1>Best under a budget</h1>
    <p class="lede">Finished runs within every cap you set, best first (ties go to the cheaper run). Amounts accept suffixes: <code>60M</code>, <code>1.5e18</code>, <code>3P</code>.</p></div></div>
  <form class="panel budget-form" id="budget-form" novalidate>
    <label>Max parameters<input name="maxParams" inputmode="decimal" placeholder="e.g. 60M" value="${escapeHtml(form.maxParams)}"></label>
    <label>Max training FLOPs<input name="maxFlops" inputmode="decimal" placeholder="e.g. 1e15" value="${escapeHtml(form.maxFlops)}"></label>
    <label>Max wall seconds<input name="maxWallSeconds" inputmode="decimal" placeholder="e.g. 600" value="${escapeHtml(form.maxWallSeconds)}"></label>
    <label>Rank by<select name="rank">${option('downstream', 'mean downstream score', form.rank)}${option('upstream', 'upstream neg. log-perplexity', form.rank)}${TASKS.map((t) => option(t, `task: ${t}`, form.rank)).join('')}</select></label>
    <label>Sweep<select name="sweep">${option('', 'all sweeps', form.sweep)}${sweeps.sweeps.map((s) => option(s.id, s.name, form.sweep)).join('')}</select></label>
    <label>Sort<select name="sort">${option('score', 'best first', form.sort)}${option('params', 'params', form.sort)}${option('flops', 'FLOPs', form.sort)}${option('wallSeconds', 'wall time', form.sort)}</select></label>
    <label>Show<select name="limit">${['10', '20', '50', '100', '500'].map((n) => option(n, `${n} runs`, form.limit)).join('')}</select></label>
    <div class="form-actions"><button class="button primary" type="submit">Find best runs</button></div>
    <p class="form-error" id="budget-error" role="alert" hidden></p>
  </form>
  <section class="panel" id="budget-answer"><p class="muted">Set a budget and press <em>Find best runs</em>.</p></section>`;

  const formEl = ctx.root.querySelector<HTMLFormElement>('#budget-form')!;
  const errorEl = ctx.root.querySelector<HTMLElement>('#budget-error')!;
  formEl.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(formEl);
    const next = new URLSearchParams();
    for (const [k, v] of data.entries()) if (typeof v === 'string' && v.trim() !== '') next.set(k, v.trim());
    const check = resultsQuery(formFromQuery(next));
    if (check.error !== null) {
      errorEl.hidden = false;
      errorEl.textContent = check.error;
      return;
    }
    // Navigating re-renders the page with the query (and makes it bookmarkable).
    const target = href.budget(next);
    if (location.hash === target) void answer();
    else location.hash = target;
  });

  const answerEl = ctx.root.querySelector<HTMLElement>('#budget-answer')!;
  const answer = async (): Promise<void> => {
    const check = resultsQuery(form);
    if (check.error !== null) {
      errorEl.hidden = false;
      errorEl.textContent = check.error;
      return;
    }
    answerEl.innerHTML = '<p class="muted">Querying…</p>';
    try {
      const page = await apiGet<{ items: ResultItem[] }>('/v1/results', check.query, ctx.signal);
      answerEl.innerHTML = results(page.items, form);
    } catch (err) {
      if (!ctx.signal.aborted) answerEl.innerHTML = errorPanel(err instanceof Error ? err.message : String(err));
    }
  };
  if ([...query.keys()].length > 0) await answer();
}
