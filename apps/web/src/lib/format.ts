// Text for numbers, sizes, durations and times, and the inverse for the budget form ("60M" → 60e6).
import { escapeHtml, formatCompact } from '@shapesweep/report';

export { escapeHtml, formatCompact };

/** A score in [0, 1] as a percentage with one decimal; "–" when missing. */
export function formatPercent(value: number | null | undefined, decimals = 1): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(decimals)}%` : '–';
}

/** Fixed decimals; "–" when missing. */
export function formatNumber(value: number | null | undefined, decimals = 3): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(decimals) : '–';
}

/** Compact with an SI suffix; "–" when missing. */
export function formatMaybe(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? formatCompact(value) : '–';
}

/** Bytes in binary units: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Seconds as "45s", "12m 05s", "3h 20m", "2d 4h"; "–" when missing. */
export function formatDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", else the date. `nowMs` for tests. */
export function formatRelative(iso: string | null, nowMs = Date.now()): string {
  if (iso === null) return '–';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '–';
  const seconds = (nowMs - t) / 1000;
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  if (seconds < 7 * 86_400) return `${Math.round(seconds / 86_400)} days ago`;
  return iso.slice(0, 10);
}

/** Local date and time to the minute, e.g. "2025-11-26 23:05". */
export function formatDateTime(iso: string | null): string {
  if (iso === null) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const SUFFIXES: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, b: 1e9, t: 1e12, p: 1e15, e: 1e18 };

/**
 * A budget typed by a person: "60000000", "6e7", "60M", "1.5 G", "2e18", "3P". Returns null for empty input and
 * NaN for text that is not a positive number (the form says which field is wrong).
 */
export function parseAmount(text: string): number | null {
  const t = text.trim().replace(/[_,\s]/g, '');
  if (t === '') return null;
  const match = /^(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)([kmgbtpe]?)$/i.exec(t);
  if (match === null) return Number.NaN;
  const value = Number(match[1]) * (SUFFIXES[(match[2] ?? '').toLowerCase()] ?? 1);
  return Number.isFinite(value) && value > 0 ? value : Number.NaN;
}
