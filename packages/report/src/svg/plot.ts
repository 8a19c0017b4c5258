// Two plot kinds as pure functions returning an inline <svg> string: a scatter (with an optional line, e.g. a Pareto
// frontier) and a multi-series line chart. Linear or log10 axes with nice ticks. All text is escaped; styling is
// by presentation attributes so an SVG also renders on its own, with class names for pages that want to restyle.
import { escapeHtml } from './escape.js';
import { formatCompact, linearScale, linearTicks, logScale, logTicks, paddedDomain, type Scale } from './scale.js';

export interface AxisOptions {
  label: string;
  /** log10 axis; non-positive values are not drawn. @defaultValue false */
  log?: boolean;
  /** Tick label formatter. @defaultValue formatCompact */
  format?: (value: number) => string;
}

export interface PlotFrame {
  title?: string;
  /** A second line under the title (e.g. a correlation). */
  subtitle?: string;
  /** Pixels. @defaultValue 560 */
  width?: number;
  /** Pixels. @defaultValue 360 */
  height?: number;
  x: AxisOptions;
  y: AxisOptions;
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** Tooltip (an SVG <title>) and, with labelPoints, the text beside the marker. */
  label: string;
  /** Fill colour. @defaultValue the first palette colour */
  color?: string;
  /** Draw a ring around the marker (used to single out a family, e.g. DeepNarrow). @defaultValue false */
  emphasis?: boolean;
  /** Extra attributes on the <circle>, e.g. { 'data-run-id': id }. Names must be lowercase attribute names. */
  attributes?: Readonly<Record<string, string>>;
}

export interface LegendEntry {
  label: string;
  color: string;
  /** Marker drawn in the legend. @defaultValue 'dot' */
  marker?: 'dot' | 'ring' | 'line' | 'dash';
}

export interface ScatterOptions extends PlotFrame {
  points: readonly ScatterPoint[];
  /** A polyline drawn under the points, in the given order (e.g. the Pareto frontier). */
  line?: readonly { x: number; y: number }[];
  /** Write each point's label beside it. @defaultValue true when there are at most 16 points */
  labelPoints?: boolean;
  legend?: readonly LegendEntry[];
}

export interface LineSeries {
  label: string;
  points: readonly { x: number; y: number }[];
  color: string;
  /** Dashed stroke. @defaultValue false */
  dashed?: boolean;
  attributes?: Readonly<Record<string, string>>;
}

export interface LineChartOptions extends PlotFrame {
  series: readonly LineSeries[];
  /** Show a legend of the series (right of the plot). @defaultValue true when there are 2..24 series */
  legend?: boolean;
}

/** Colour-blind-friendly categorical palette (Okabe–Ito order, then muted extras). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#7F7F7F', '#8C564B', '#17BECF', '#BCBD22'];

const MARGIN = { top: 44, right: 18, bottom: 48, left: 62 };
/** Extra top margin (pixels) taken by a one-row scatter legend. */
const LEGEND_ROW = 16;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"';

export function scatterPlot(options: ScatterOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 360;
  const xLog = options.x.log === true;
  const yLog = options.y.log === true;
  const drawable = options.points.filter((p) => usable(p.x, xLog) && usable(p.y, yLog));
  const lineValues = (options.line ?? []).filter((p) => usable(p.x, xLog) && usable(p.y, yLog));
  const hasLegend = options.legend !== undefined && options.legend.length > 0;
  // A legend gets its own row under the subtitle, pushing the plot area down rather than covering points.
  const frame = axes(options, width, height, [...drawable, ...lineValues], 0, hasLegend ? LEGEND_ROW : 0);
  if (frame === null) return emptyPlot(options, width, height);
  const { sx, sy, body } = frame;

  const parts: string[] = [body];
  if (lineValues.length > 1) {
    const d = lineValues.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(sx(p.x))},${num(sy(p.y))}`).join('');
    parts.push(`<path class="plot-line" d="${d}" fill="none" stroke="#475569" stroke-width="1.5" stroke-dasharray="5 3"/>`);
  }
  const labelPoints = options.labelPoints ?? drawable.length <= 16;
  for (const p of drawable) {
    const cx = num(sx(p.x));
    const cy = num(sy(p.y));
    const color = p.color ?? PALETTE[0]!;
    const ring = p.emphasis === true ? ` stroke="#111827" stroke-width="2"` : ` stroke="#ffffff" stroke-width="1"`;
    parts.push(`<circle class="plot-point" cx="${cx}" cy="${cy}" r="${p.emphasis === true ? 6 : 5}" fill="${escapeHtml(color)}"${ring}${attributes(p.attributes)}><title>${escapeHtml(p.label)}</title></circle>`);
    if (labelPoints) {
      // Labels of points in the right quarter go to the left of the marker so they stay inside the frame.
      const [r0, r1] = sx.range;
      const flip = sx(p.x) > r0 + 0.75 * (r1 - r0);
      const tx = num(sx(p.x) + (flip ? -8 : 8));
      parts.push(`<text x="${tx}" y="${num(sy(p.y) - 7)}" font-size="10.5" fill="#334155"${flip ? ' text-anchor="end"' : ''} ${FONT}>${escapeHtml(p.label)}</text>`);
    }
  }
  if (hasLegend) parts.push(inlineLegend(options.legend ?? [], width));
  return wrap(options, width, height, parts.join(''));
}

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 360;
  const xLog = options.x.log === true;
  const yLog = options.y.log === true;
  const all = options.series.flatMap((s) => s.points.filter((p) => usable(p.x, xLog) && usable(p.y, yLog)));
  const showLegend = options.legend ?? (options.series.length >= 2 && options.series.length <= 24);
  // The legend takes a column on the right; the plot area shrinks rather than the legend overlapping it.
  const legendWidth = showLegend ? 150 : 0;
  const frame = axes(options, width, height, all, legendWidth);
  if (frame === null) return emptyPlot(options, width, height);
  const { sx, sy, body } = frame;
  const parts: string[] = [body];
  for (const s of options.series) {
    let d = '';
    let penDown = false;
    for (const p of s.points) {
      // A value the axis cannot show (NaN, or ≤ 0 on a log axis) breaks the line instead of bridging the gap.
      if (!(usable(p.x, xLog) && usable(p.y, yLog))) {
        penDown = false;
        continue;
      }
      d += `${penDown ? 'L' : 'M'}${num(sx(p.x))},${num(sy(p.y))}`;
      penDown = true;
    }
    if (d === '') continue;
    const dash = s.dashed === true ? ' stroke-dasharray="6 3"' : '';
    parts.push(`<path class="plot-series" d="${d}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.6" stroke-linejoin="round"${dash}${attributes(s.attributes)}><title>${escapeHtml(s.label)}</title></path>`);
  }
  if (showLegend) {
    parts.push(legendBox(options.series.map((s) => ({ label: s.label, color: s.color, marker: s.dashed === true ? 'dash' : 'line' })), width));
  }
  return wrap(options, width, height, parts.join(''));
}

// ---- internals -------------------------------------------------------------------------------------------------

interface Frame {
  sx: Scale;
  sy: Scale;
  body: string;
}

/** Grid lines, ticks and axis labels; null when nothing is drawable. */
function axes(options: PlotFrame, width: number, height: number, points: readonly { x: number; y: number }[], legendWidth = 0, extraTop = 0): Frame | null {
  const xLog = options.x.log === true;
  const yLog = options.y.log === true;
  const xDomain = paddedDomain(points.map((p) => p.x), xLog);
  const yDomain = paddedDomain(points.map((p) => p.y), yLog, 0.08);
  if (xDomain === null || yDomain === null) return null;
  const left = MARGIN.left;
  const right = width - MARGIN.right - legendWidth;
  const top = MARGIN.top + extraTop;
  const bottom = height - MARGIN.bottom;
  const sx = (xLog ? logScale : linearScale)(xDomain, [left, right]);
  const sy = (yLog ? logScale : linearScale)(yDomain, [bottom, top]);
  const xFormat = options.x.format ?? formatCompact;
  const yFormat = options.y.format ?? formatCompact;
  const xTicks = xLog ? logTicks(xDomain[0], xDomain[1]) : linearTicks(xDomain[0], xDomain[1], 6);
  const yTicks = yLog ? logTicks(yDomain[0], yDomain[1], 6) : linearTicks(yDomain[0], yDomain[1], 5);

  const parts: string[] = [`<rect x="${left}" y="${top}" width="${num(right - left)}" height="${num(bottom - top)}" fill="#ffffff" stroke="#cbd5e1"/>`];
  for (const t of xTicks) {
    const x = num(sx(t));
    parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#eef2f7"/>`);
    parts.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}" stroke="#94a3b8"/>`);
    parts.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle" font-size="11" fill="#475569" ${FONT}>${escapeHtml(xFormat(t))}</text>`);
  }
  for (const t of yTicks) {
    const y = num(sy(t));
    parts.push(`<line x1="${left}" y1="${y}" x2="${num(right)}" y2="${y}" stroke="#eef2f7"/>`);
    parts.push(`<line x1="${left - 4}" y1="${y}" x2="${left}" y2="${y}" stroke="#94a3b8"/>`);
    parts.push(`<text x="${left - 7}" y="${num(sy(t) + 3.5)}" text-anchor="end" font-size="11" fill="#475569" ${FONT}>${escapeHtml(yFormat(t))}</text>`);
  }
  parts.push(`<text x="${num((left + right) / 2)}" y="${height - 10}" text-anchor="middle" font-size="12" fill="#1e293b" ${FONT}>${escapeHtml(axisTitle(options.x))}</text>`);
  parts.push(`<text transform="translate(14 ${num((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="12" fill="#1e293b" ${FONT}>${escapeHtml(axisTitle(options.y))}</text>`);
  // Re-stroke the frame above the grid lines.
  parts.push(`<rect x="${left}" y="${top}" width="${num(right - left)}" height="${num(bottom - top)}" fill="none" stroke="#94a3b8"/>`);
  return { sx, sy, body: parts.join('') };
}

function axisTitle(axis: AxisOptions): string {
  return axis.log === true ? `${axis.label} (log scale)` : axis.label;
}

function legendBox(entries: readonly LegendEntry[], width: number): string {
  const x = width - MARGIN.right - 142;
  const parts: string[] = [];
  entries.forEach((e, i) => {
    const y = MARGIN.top + 10 + i * 16;
    const color = escapeHtml(e.color);
    const marker = e.marker ?? 'dot';
    if (marker === 'line' || marker === 'dash') {
      const dash = marker === 'dash' ? ' stroke-dasharray="5 3"' : '';
      parts.push(`<line x1="${x}" y1="${y}" x2="${x + 16}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`);
    } else {
      const ring = marker === 'ring' ? ' stroke="#111827" stroke-width="2"' : ' stroke="#ffffff"';
      parts.push(`<circle cx="${x + 8}" cy="${y}" r="5" fill="${color}"${ring}/>`);
    }
    parts.push(`<text x="${x + 22}" y="${y + 3.5}" font-size="11" fill="#334155" ${FONT}>${escapeHtml(truncate(e.label, 20))}</text>`);
  });
  const boxHeight = entries.length * 16 + 6;
  return `<g class="plot-legend"><rect x="${x - 6}" y="${MARGIN.top + 1}" width="146" height="${boxHeight}" fill="#ffffff" fill-opacity="0.85" stroke="#e2e8f0"/>${parts.join('')}</g>`;
}

/** A one-row legend in the top margin, right-aligned above the plot area, so it never hides a point. */
function inlineLegend(entries: readonly LegendEntry[], width: number): string {
  const y = MARGIN.top + 4;
  // Approximate text widths (6 px per character at 11 px) are enough to lay out a short legend.
  const widths = entries.map((e) => 22 + 6 * Math.min(e.label.length, 20) + 12);
  let x = width - MARGIN.right - widths.reduce((s, w) => s + w, 0);
  const parts = entries.map((e, i) => {
    const color = escapeHtml(e.color);
    const ring = e.marker === 'ring' ? ' stroke="#111827" stroke-width="2"' : ' stroke="#ffffff"';
    const item = `<circle cx="${num(x + 6)}" cy="${y}" r="5" fill="${color}"${ring}/><text x="${num(x + 16)}" y="${y + 3.5}" font-size="11" fill="#334155" ${FONT}>${escapeHtml(truncate(e.label, 20))}</text>`;
    x += widths[i]!;
    return item;
  });
  return `<g class="plot-legend">${parts.join('')}</g>`;
}

function wrap(options: PlotFrame, width: number, height: number, body: string): string {
  const title = options.title === undefined ? '' : `<text x="${MARGIN.left}" y="18" font-size="14" font-weight="600" fill="#0f172a" ${FONT}>${escapeHtml(options.title)}</text>`;
  const subtitle = options.subtitle === undefined ? '' : `<text x="${MARGIN.left}" y="34" font-size="11.5" fill="#475569" ${FONT}>${escapeHtml(options.subtitle)}</text>`;
  const label = escapeHtml(options.title ?? `${options.y.label} against ${options.x.label}`);
  return `<svg class="plot" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${label}">${title}${subtitle}${body}</svg>`;
}

function emptyPlot(options: PlotFrame, width: number, height: number): string {
  return wrap(options, width, height, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="13" fill="#64748b" ${FONT}>No data to plot</text>`);
}

function attributes(extra: Readonly<Record<string, string>> | undefined): string {
  if (extra === undefined) return '';
  return Object.entries(extra)
    .map(([name, value]) => {
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new RangeError(`attribute name ${JSON.stringify(name)} is not a lowercase attribute name`);
      return ` ${name}="${escapeHtml(value)}"`;
    })
    .join('');
}

function usable(v: number, log: boolean): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

/** Pixel coordinates with 2 decimals: sharp enough, and keeps the HTML small. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
