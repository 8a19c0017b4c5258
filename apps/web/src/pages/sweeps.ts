// Sweeps list: name, status, runs per status as a stacked bar, created. Newest first, "Load more" pages on.
import { apiGet, RUN_STATUSES, type Sweep } from '../lib/api.js';
import { errorPanel, statusBadge } from '../lib/dom.js';
import { escapeHtml, formatDateTime, formatRelative } from '../lib/format.js';
import { href } from '../lib/router.js';
import type { PageContext } from './page.js';

const PAGE_SIZE = 50;

/** A stacked bar of the run counts, one segment per non-empty status, with a legend of the numbers. */
/** Finished work first, then what is in flight, then what waits. */
const BAR_ORDER = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'RUNNING', 'QUEUED', 'PENDING'] as const;

export function countsBar(counts: Sweep['counts'], total: number): string {
  const denominator = Math.max(1, total, RUN_STATUSES.reduce((n, s) => n + counts[s], 0));
  const segments = BAR_ORDER.filter((s) => counts[s] > 0)
    .map((s) => `<span class="seg status-${s.toLowerCase()}" style="width:${((counts[s] / denominator) * 100).toFixed(2)}%" title="${s.toLowerCase()}: ${counts[s]}"></span>`)
    .join('');
  const numbers = BAR_ORDER.filter((s) => counts[s] > 0)
    .map((s) => `<span class="count status-${s.toLowerCase()}" data-status="${s}"><i></i>${counts[s]} ${s.toLowerCase()}</span>`)
    .join('');
  return `<div class="counts"><div class="stacked">${segments}</div><div class="count-list">${numbers || '<span class="muted">no runs</span>'}</div></div>`;
}

function row(s: Sweep): string {
  return `<tr data-sweep-id="${escapeHtml(s.id)}">
    <td><a class="strong" href="${href.sweep(s.id)}">${escapeHtml(s.name)}</a><div class="sub mono">${escapeHtml(s.id)}</div></td>
    <td>${statusBadge(s.status)}</td>
    <td class="num">${s.cellCount}</td>
    <td class="counts-cell">${countsBar(s.counts, s.cellCount)}</td>
    <td title="${escapeHtml(formatDateTime(s.createdAt))}">${escapeHtml(formatRelative(s.createdAt))}</td>
  </tr>`;
}

export async function sweepsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Sweeps');
  ctx.root.innerHTML = `<div class="page-head"><div><h1>Sweeps</h1><p class="lede">Every submitted sweep, newest first. Open one for live status, curves and Pareto plots.</p></div></div>
    <section class="panel"><table class="table" id="sweeps-table">
      <thead><tr><th>Name</th><th>Status</th><th class="num">Runs</th><th>Runs by status</th><th>Created</th></tr></thead>
      <tbody><tr><td colspan="5" class="muted">Loading…</td></tr></tbody>
    </table><div class="table-foot"></div></section>`;
  const body = ctx.root.querySelector('tbody')!;
  const foot = ctx.root.querySelector<HTMLElement>('.table-foot')!;
  let cursor: string | undefined;
  let first = true;

  const load = async (): Promise<void> => {
    const page = await apiGet<{ sweeps: Sweep[]; nextCursor: string | null }>('/v1/sweeps', { limit: PAGE_SIZE, cursor }, ctx.signal);
    if (first) body.innerHTML = '';
    first = false;
    if (page.sweeps.length === 0 && body.children.length === 0) {
      body.innerHTML = `<tr><td colspan="5" class="empty">No sweeps yet. Submit one with <code>shapesweep submit examples/deepnarrow-vs-base.yaml</code>.</td></tr>`;
    }
    body.insertAdjacentHTML('beforeend', page.sweeps.map(row).join(''));
    cursor = page.nextCursor ?? undefined;
    foot.innerHTML = cursor === undefined ? '' : '<button type="button" class="button" data-action="more">Load more</button>';
  };

  foot.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('[data-action="more"]') === null) return;
    load().catch((err: unknown) => foot.insertAdjacentHTML('beforeend', errorPanel(String(err instanceof Error ? err.message : err))));
  });

  try {
    await load();
  } catch (err) {
    if (ctx.signal.aborted) return;
    ctx.root.querySelector('#sweeps-table')!.outerHTML = errorPanel(err instanceof Error ? err.message : String(err));
  }
}
