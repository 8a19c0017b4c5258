// The few DOM helpers the pages share.
import { escapeHtml } from './format.js';

/** A status pill: RUNNING → blue, SUCCEEDED → green, FAILED → red, ... */
export function statusBadge(status: string): string {
  return `<span class="badge status-${escapeHtml(status.toLowerCase())}">${escapeHtml(status.toLowerCase())}</span>`;
}

/** A thin progress bar; `fraction` in [0, 1]. */
export function progressBar(fraction: number, label?: string): string {
  const pct = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * 100;
  return `<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct.toFixed(1)}" data-fraction="${(pct / 100).toFixed(4)}"${label === undefined ? '' : ` title="${escapeHtml(label)}"`}><div class="progress-fill" style="width:${pct.toFixed(2)}%"></div></div>`;
}

/** An error panel for a failed load. */
export function errorPanel(message: string): string {
  return `<div class="panel error-panel" role="alert"><strong>Could not load this page.</strong><p>${escapeHtml(message)}</p></div>`;
}

/** Tiles of label + value. */
export function statTiles(tiles: readonly { label: string; value: string; key?: string; hint?: string }[]): string {
  return `<div class="stats">${tiles
    .map(
      (t) => `<div class="stat"${t.key === undefined ? '' : ` data-stat="${escapeHtml(t.key)}"`}${t.hint === undefined ? '' : ` title="${escapeHtml(t.hint)}"`}><div class="stat-label">${escapeHtml(t.label)}</div><div class="stat-value">${t.value}</div></div>`,
    )
    .join('')}</div>`;
}
