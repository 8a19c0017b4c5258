// Multi-series line chart on a <canvas>: loss curves of up to thousands of runs (each downsampled by the api to a
// few hundred points) redraw in a few milliseconds, where as many SVG paths would make the page sluggish.
// Axes reuse the report package's scales and ticks, so the dashboard and the HTML report read the same.
// The <figure> carries data-series / data-points with what is drawn, for tests and for people reading the DOM.
import { formatCompact, linearScale, padDomain, linearTicks, logScale, logTicks, type Scale } from '@shapesweep/report';
import { escapeHtml } from '../lib/format.js';

export interface ChartSeries {
  /** Stable id (a run id): hover and click report it. */
  id: string;
  label: string;
  color: string;
  /** [x, y] pairs in ascending x. */
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

export interface LineChartOptions {
  /** data-plot attribute. */
  key: string;
  title: string;
  x: { label: string; log?: boolean };
  /** `zero`: a linear axis that always includes 0 (throughput: noise around a level is not a trend). @defaultValue false */
  y: { label: string; log?: boolean; zero?: boolean };
  /** CSS pixels. @defaultValue 300 */
  height?: number;
  /** Called with the series id when a line is clicked. */
  onSelect?: (id: string) => void;
  /** A legend lists the series when there are at most this many. @defaultValue 12 */
  maxLegend?: number;
}

const MARGIN = { top: 12, right: 16, bottom: 40, left: 58 };
const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
/** Hover snaps to the nearest point within this many CSS pixels. */
const HOVER_RADIUS_PX = 24;

function usable(v: number, log: boolean): boolean {
  return Number.isFinite(v) && (!log || v > 0);
}

/** [min, max] of the drawable values, padded; a loop rather than Math.min(...values), which overflows the stack past ~100k values. */
export function extent(series: readonly ChartSeries[], axis: 0 | 1, log: boolean, padFraction: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      const v = p[axis];
      if (!usable(v, log)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? padDomain(lo, hi, log, padFraction) : null;
}

export class LineChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly note: HTMLElement;
  private series: ChartSeries[] = [];
  private highlighted: string | null = null;
  private frame = 0;
  private widthPx = 0;
  private sx: Scale | null = null;
  private sy: Scale | null = null;
  /**
   * Rendered frames of every line, normal and faded, kept until the series or the size change: hovering then
   * costs one drawImage and one line instead of redrawing thousands.
   */
  private layers: { normal: HTMLCanvasElement | null; faded: HTMLCanvasElement | null } = { normal: null, faded: null };
  private readonly resize: ResizeObserver;

  constructor(private readonly options: LineChartOptions) {
    this.element = document.createElement('figure');
    this.element.className = 'plot-card line-chart';
    this.element.dataset['plot'] = options.key;
    this.element.innerHTML = `<figcaption><span class="plot-title">${escapeHtml(options.title)}</span><span class="plot-note"></span></figcaption>
      <div class="canvas-wrap"><canvas role="img" aria-label="${escapeHtml(options.title)}"></canvas><div class="chart-tooltip" hidden></div></div>
      <div class="chart-legend"></div>`;
    this.canvas = this.element.querySelector('canvas')!;
    this.tooltip = this.element.querySelector('.chart-tooltip')!;
    this.legend = this.element.querySelector('.chart-legend')!;
    this.note = this.element.querySelector('.plot-note')!;
    this.canvas.style.height = `${options.height ?? 300}px`;
    this.setSeries([]);

    this.resize = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (width > 0 && width !== this.widthPx) {
        this.widthPx = width;
        this.layers = { normal: null, faded: null };
        this.schedule();
      }
    });
    this.resize.observe(this.canvas);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.setHighlight(null, null));
    this.canvas.addEventListener('click', () => {
      if (this.highlighted !== null) this.options.onSelect?.(this.highlighted);
    });
  }

  setSeries(series: readonly ChartSeries[], note?: string): void {
    this.series = [...series];
    const points = this.series.reduce((n, s) => n + s.points.length, 0);
    this.element.dataset['series'] = String(this.series.filter((s) => s.points.length > 0).length);
    this.element.dataset['points'] = String(points);
    this.note.textContent = note ?? '';
    const maxLegend = this.options.maxLegend ?? 12;
    this.layers = { normal: null, faded: null };
    this.legend.innerHTML = this.series.length <= maxLegend
      ? this.series
          .map((s) => `<span class="legend-item" data-series-id="${escapeHtml(s.id)}"><i style="background:${escapeHtml(s.color)}"></i>${escapeHtml(s.label)}</span>`)
          .join('')
      : '';
    this.schedule();
  }

  destroy(): void {
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
  }

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private setHighlight(id: string | null, at: { x: number; y: number; text: string } | null): void {
    if (at === null) this.tooltip.hidden = true;
    else {
      this.tooltip.hidden = false;
      this.tooltip.textContent = at.text;
      const flip = at.x > this.widthPx * 0.65;
      this.tooltip.style.left = flip ? '' : `${at.x + 12}px`;
      this.tooltip.style.right = flip ? `${this.widthPx - at.x + 12}px` : '';
      this.tooltip.style.top = `${Math.max(0, at.y - 30)}px`;
    }
    if (id === this.highlighted) return;
    this.highlighted = id;
    this.canvas.style.cursor = id === null || this.options.onSelect === undefined ? 'default' : 'pointer';
    this.schedule();
  }

  private hover(event: MouseEvent): void {
    const { sx, sy } = this;
    if (sx === null || sy === null) return;
    const rect = this.canvas.getBoundingClientRect();
    const mx = event.clientX - rect.left;
    const my = event.clientY - rect.top;
    const xLog = this.options.x.log === true;
    const yLog = this.options.y.log === true;
    let best: { id: string; label: string; x: number; y: number; px: number; py: number } | null = null;
    let bestD = HOVER_RADIUS_PX * HOVER_RADIUS_PX;
    for (const s of this.series) {
      for (const [x, y] of s.points) {
        if (!usable(x, xLog) || !usable(y, yLog)) continue;
        const px = sx(x);
        const py = sy(y);
        const d = (px - mx) ** 2 + (py - my) ** 2;
        if (d < bestD) {
          bestD = d;
          best = { id: s.id, label: s.label, x, y, px, py };
        }
      }
    }
    if (best === null) this.setHighlight(null, null);
    else this.setHighlight(best.id, { x: best.px, y: best.py, text: `${best.label} · ${this.options.x.label} ${formatCompact(best.x)} · ${formatCompact(best.y)}` });
  }

  /** Puts the right layer on screen and, while hovering, the highlighted line on top. */
  private draw(): void {
    const width = this.widthPx;
    const height = this.options.height ?? 300;
    if (width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    const pixelWidth = Math.round(width * ratio);
    const pixelHeight = Math.round(height * ratio);
    if (this.canvas.width !== pixelWidth || this.canvas.height !== pixelHeight) {
      this.canvas.width = pixelWidth;
      this.canvas.height = pixelHeight;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const mode = this.highlighted === null ? 'normal' : 'faded';
    let layer = this.layers[mode];
    if (layer === null) {
      layer = document.createElement('canvas');
      layer.width = pixelWidth;
      layer.height = pixelHeight;
      const layerCtx = layer.getContext('2d');
      if (layerCtx === null) return;
      layerCtx.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.renderLayer(layerCtx, width, height, mode);
      this.layers[mode] = layer;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pixelWidth, pixelHeight);
    ctx.drawImage(layer, 0, 0);
    const strong = this.highlighted === null ? undefined : this.series.find((s) => s.id === this.highlighted);
    if (strong !== undefined && this.sx !== null && this.sy !== null) {
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.clipToPlot(ctx, width, height);
      this.drawLine(ctx, strong, 'strong', this.sx, this.sy);
      ctx.restore();
    }
  }

  private clipToPlot(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, width - MARGIN.right - MARGIN.left, height - MARGIN.bottom - MARGIN.top);
    ctx.clip();
  }

  private drawLine(ctx: CanvasRenderingContext2D, s: ChartSeries, emphasis: 'normal' | 'faded' | 'strong', sx: Scale, sy: Scale): void {
    const xLog = this.options.x.log === true;
    const yLog = this.options.y.log === true;
    const many = this.series.length > 40;
    ctx.strokeStyle = s.color;
    ctx.globalAlpha = emphasis === 'faded' ? 0.15 : emphasis === 'strong' ? 1 : many ? 0.45 : 0.9;
    ctx.lineWidth = emphasis === 'strong' ? 2.5 : many ? 1 : 1.6;
    ctx.setLineDash(s.dashed === true ? [5, 3] : []);
    ctx.beginPath();
    let penDown = false;
    for (const [x, y] of s.points) {
      // A value the axis cannot show breaks the line instead of bridging the gap.
      if (!usable(x, xLog) || !usable(y, yLog)) {
        penDown = false;
        continue;
      }
      if (penDown) ctx.lineTo(sx(x), sy(y));
      else ctx.moveTo(sx(x), sy(y));
      penDown = true;
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }

  /** Axes, grid and every line, in `mode` (faded while one line is highlighted). */
  private renderLayer(ctx: CanvasRenderingContext2D, width: number, height: number, mode: 'normal' | 'faded'): void {
    ctx.font = FONT;
    const xLog = this.options.x.log === true;
    const yLog = this.options.y.log === true;
    const xDomain = extent(this.series, 0, xLog, 0.01);
    let yDomain = extent(this.series, 1, yLog, 0.05);
    if (yDomain !== null && this.options.y.zero === true && !yLog) yDomain = [Math.min(0, yDomain[0]), Math.max(0, yDomain[1])];
    const left = MARGIN.left;
    const right = width - MARGIN.right;
    const top = MARGIN.top;
    const bottom = height - MARGIN.bottom;
    if (xDomain === null || yDomain === null) {
      this.sx = this.sy = null;
      ctx.fillStyle = '#64748b';
      ctx.textAlign = 'center';
      ctx.fillText(this.series.length === 0 ? 'Loading…' : 'No data to plot', width / 2, height / 2);
      return;
    }
    const sx = (xLog ? logScale : linearScale)(xDomain, [left, right]);
    const sy = (yLog ? logScale : linearScale)(yDomain, [bottom, top]);
    this.sx = sx;
    this.sy = sy;

    // Grid and ticks.
    ctx.strokeStyle = '#eef2f7';
    ctx.lineWidth = 1;
    ctx.fillStyle = '#475569';
    const xTicks = xLog ? logTicks(xDomain[0], xDomain[1]) : linearTicks(xDomain[0], xDomain[1], Math.max(3, Math.floor((right - left) / 90)));
    const yTicks = yLog ? logTicks(yDomain[0], yDomain[1], 6) : linearTicks(yDomain[0], yDomain[1], 5);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of xTicks) {
      const x = Math.round(sx(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.fillText(formatCompact(t), x, bottom + 6);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yTicks) {
      const y = Math.round(sy(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(right, y);
      ctx.stroke();
      ctx.fillText(formatCompact(t), left - 6, y);
    }
    ctx.strokeStyle = '#94a3b8';
    ctx.strokeRect(left + 0.5, top + 0.5, right - left, bottom - top);
    ctx.fillStyle = '#1e293b';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(axisTitle(this.options.x), (left + right) / 2, height - 6);
    ctx.save();
    ctx.translate(13, (top + bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(axisTitle(this.options.y), 0, 0);
    ctx.restore();

    this.clipToPlot(ctx, width, height);
    for (const s of this.series) this.drawLine(ctx, s, mode, sx, sy);
    ctx.restore();
  }
}

function axisTitle(axis: { label: string; log?: boolean }): string {
  return axis.log === true ? `${axis.label} (log scale)` : axis.label;
}
