// @shapesweep/report: a sweep's results as one self-contained HTML page, and the small SVG plotting kit behind it.
export { renderReportHtml, type ReportCurve, type ReportInput, type ReportRun, type ReportShape } from './report.js';
export {
  PALETTE,
  lineChart,
  scatterPlot,
  type AxisOptions,
  type LegendEntry,
  type LineChartOptions,
  type LineSeries,
  type PlotFrame,
  type ScatterOptions,
  type ScatterPoint,
} from './svg/plot.js';
export { formatCompact, formatFixed, linearScale, linearTicks, logScale, logTicks, niceStep, padDomain, paddedDomain, type Scale } from './svg/scale.js';
export { escapeHtml } from './svg/escape.js';
