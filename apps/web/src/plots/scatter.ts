// Scatter plots of runs (Pareto views, upstream vs downstream) as lean inline SVG, drawn by the report package's
// scatterPlot so the dashboard and the HTML report look the same. One <circle data-run-id> per run: a click opens
// the run, and tests count points. 1,000 circles are cheap for the browser; labels are dropped past 16 points.
import { paretoFrontier } from '@shapesweep/analysis';
import { PALETTE, scatterPlot, type LegendEntry, type ScatterPoint } from '@shapesweep/report';
import { escapeHtml } from '../lib/format.js';

/** Colours per generator family; DeepNarrow also gets a dark ring so it stands out in print and for colour-blind readers. */
export const FAMILY_COLORS: Record<string, string> = {
  reference: PALETTE[0]!,
  deepnarrow: PALETTE[5]!,
  oneknob: PALETTE[2]!,
  grid: PALETTE[3]!,
  list: PALETTE[8]!,
};

export function familyColor(family: string): string {
  return FAMILY_COLORS[family] ?? PALETTE[8]!;
}

export function familyLabel(family: string): string {
  switch (family) {
    case 'deepnarrow': return 'DeepNarrow';
    case 'reference': return 'reference';
    case 'oneknob': return 'one-knob';
    default: return family;
  }
}

export interface RunPoint {
  runId: string;
  name: string;
  family: string;
  x: number;
  y: number;
}

export interface RunScatterOptions {
  /** data-plot attribute: a stable name for the plot (tests and CSS use it). */
  key: string;
  title: string;
  subtitle?: string;
  points: readonly RunPoint[];
  x: { label: string; log?: boolean; format?: (v: number) => string };
  y: { label: string; log?: boolean; format?: (v: number) => string };
  /**
   * Draw the Pareto frontier: 'min-x' when cheaper is better (params, FLOPs), 'max-x' when more is better
   * (tokens/s); y is always maximised. @defaultValue none
   */
  frontier?: 'min-x' | 'max-x';
}

/** Ids of the frontier points in drawing order (ascending x). */
export function frontierOf(points: readonly RunPoint[], mode: 'min-x' | 'max-x'): RunPoint[] {
  const byId = new Map(points.map((p) => [p.runId, p]));
  const front = paretoFrontier(points.map((p) => ({ id: p.runId, x: p.x, y: p.y })), { minimizeX: mode === 'min-x', maximizeY: true });
  return front.map((f) => byId.get(f.id)!).sort((a, b) => a.x - b.x);
}

/** The plot as an HTML string: a <figure data-plot data-points> around the SVG. */
export function runScatter(options: RunScatterOptions): string {
  const finite = options.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (options.x.log !== true || p.x > 0) && (options.y.log !== true || p.y > 0));
  const front = options.frontier === undefined ? [] : frontierOf(finite, options.frontier);
  const onFront = new Set(front.map((p) => p.runId));
  const points: ScatterPoint[] = finite.map((p) => ({
    x: p.x,
    y: p.y,
    label: p.name,
    color: familyColor(p.family),
    emphasis: p.family === 'deepnarrow',
    attributes: { 'data-run-id': p.runId, 'data-family': p.family, ...(onFront.has(p.runId) ? { 'data-frontier': 'true' } : {}) },
  }));
  const families = [...new Set(finite.map((p) => p.family))].sort();
  const legend: LegendEntry[] = families.map((f) => ({ label: familyLabel(f), color: familyColor(f), marker: f === 'deepnarrow' ? 'ring' : 'dot' }));
  const svg = scatterPlot({
    title: options.title,
    ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }),
    width: 560,
    height: 360,
    x: { label: options.x.label, ...(options.x.log === undefined ? {} : { log: options.x.log }), ...(options.x.format === undefined ? {} : { format: options.x.format }) },
    y: { label: options.y.label, ...(options.y.log === undefined ? {} : { log: options.y.log }), ...(options.y.format === undefined ? {} : { format: options.y.format }) },
    points,
    ...(front.length > 1 ? { line: front.map((p) => ({ x: p.x, y: p.y })) } : {}),
    ...(legend.length > 0 ? { legend } : {}),
  });
  return `<figure class="plot-card" data-plot="${escapeHtml(options.key)}" data-points="${points.length}" data-frontier-points="${front.length}">${svg}</figure>`;
}
