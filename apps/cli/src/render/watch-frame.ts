// What `watch` prints: on a terminal, a frame (one header line and one bar per run) redrawn in place; elsewhere,
// one line per status change and a summary every interval. Pure: state and time in, text out.
import { FINISHED_STATUSES, runEtaSeconds, type Transition, type WatchState, type WatchedRun } from '../watch/state.js';
import { duration, fixed, percent, si } from './format.js';
import { progressBar } from './progress.js';

export interface FrameOptions {
  nowMs: number;
  /** Unicode bars (terminal) or ASCII. @defaultValue false */
  unicode?: boolean;
  /** Lines are cut to this width so a redraw never wraps. @defaultValue 120 */
  columns?: number;
}

const SHORT_STATUS: Readonly<Record<string, string>> = {
  PENDING: 'pending',
  QUEUED: 'queued',
  RUNNING: 'running',
  SUCCEEDED: 'done',
  FAILED: 'FAILED',
  CANCELLED: 'cancelled',
};

function runFraction(run: WatchedRun): number {
  if (run.status === 'SUCCEEDED') return 1;
  return run.totalSteps > 0 ? run.step / run.totalSteps : 0;
}

/** The sweep's header: name, id, counts, overall progress and ETA. */
export function sweepLine(state: WatchState): string {
  const { sweep, progress } = state.status;
  const c = state.counts();
  const total = state.runs.size;
  const parts = [
    `${sweep.name} (${sweep.id})`,
    `${c.SUCCEEDED}/${total} done`,
    ...(c.RUNNING > 0 ? [`${c.RUNNING} running`] : []),
    ...(c.QUEUED + c.PENDING > 0 ? [`${c.QUEUED + c.PENDING} waiting`] : []),
    ...(c.FAILED > 0 ? [`${c.FAILED} failed`] : []),
    ...(c.CANCELLED > 0 ? [`${c.CANCELLED} cancelled`] : []),
    percent(progress.fraction),
    ...(state.finished() ? [] : [`ETA ${duration(progress.etaSeconds)}`]),
  ];
  return parts.join('  ');
}

/** The detail after a run's bar: phase, steps, speed and ETA while running; results or the error once finished. */
function runDetail(run: WatchedRun, nowMs: number): string {
  if (run.status === 'SUCCEEDED') return `upstream ${fixed(run.negLogPerplexity)}  downstream ${fixed(run.downstreamMean)}`;
  if (run.status === 'FAILED') return run.error ?? 'failed';
  if (run.status === 'CANCELLED') return 'cancelled';
  const steps = run.totalSteps > 0 ? `${run.step}/${run.totalSteps}` : '';
  if (run.status !== 'RUNNING') return run.step > 0 ? `resumes at ${steps}` : '';
  return [
    run.phase ?? '',
    steps,
    run.tokensPerSecond === null ? '' : `${si(run.tokensPerSecond, 1)} tok/s`,
    run.evalLoss === null ? '' : `eval ${fixed(run.evalLoss)}`,
    `ETA ${duration(runEtaSeconds(run, nowMs))}`,
    run.stopping ? '(stopping)' : '',
  ].filter((s) => s !== '').join('  ');
}

function cut(line: string, columns: number): string {
  return line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line;
}

/** The full frame: the sweep line, then one line per run with its bar. Ends with a newline. */
export function renderFrame(state: WatchState, options: FrameOptions): string {
  const columns = options.columns ?? 120;
  const runs = state.ordered();
  const nameWidth = Math.min(32, Math.max(4, ...runs.map((r) => r.name.length)));
  const familyWidth = Math.max(0, ...runs.map((r) => r.family.length));
  const barWidth = columns >= 110 ? 24 : columns >= 90 ? 16 : 10;
  const lines = [sweepLine(state)];
  for (const run of runs) {
    const fraction = runFraction(run);
    const head = `  ${run.name.padEnd(nameWidth)}  ${run.family.padEnd(familyWidth)}  ${(SHORT_STATUS[run.status] ?? run.status).padEnd(9)}`;
    const bar = `[${progressBar(fraction, { width: barWidth, unicode: options.unicode === true })}] ${percent(fraction).padStart(4)}`;
    lines.push(`${head} ${bar}  ${runDetail(run, options.nowMs)}`.trimEnd());
  }
  return `${lines.map((l) => cut(l, columns)).join('\n')}\n`;
}

/** Plain mode: one line for a run that changed status. */
export function renderTransition(t: Transition, nowMs: number): string {
  const detail = FINISHED_STATUSES.has(t.to) || t.to === 'RUNNING' ? runDetail(t.run, nowMs) : '';
  return `${stamp(nowMs)} ${t.run.name} ${SHORT_STATUS[t.from] ?? t.from} -> ${SHORT_STATUS[t.to] ?? t.to}${detail === '' ? '' : `  ${detail}`}\n`;
}

/** Plain mode: the periodic summary, the sweep line then one line per running run (no bars redrawn in logs). */
export function renderSummary(state: WatchState, nowMs: number): string {
  const running = state.ordered().filter((r) => r.status === 'RUNNING');
  const lines = [`${stamp(nowMs)} ${sweepLine(state)}`];
  for (const run of running) lines.push(`${stamp(nowMs)}   ${run.name} [${progressBar(runFraction(run), { width: 20 })}] ${percent(runFraction(run))}  ${runDetail(run, nowMs)}`);
  return `${lines.join('\n')}\n`;
}

/** HH:MM:SS of a time in ms, UTC (logs from several machines line up). */
function stamp(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(11, 19);
}

/** ANSI: move to the start of the line `lines` up and clear to the end of the screen (redraw in place). */
export function rewind(lines: number): string {
  return lines <= 0 ? '' : `\x1b[${lines}F\x1b[J`;
}
