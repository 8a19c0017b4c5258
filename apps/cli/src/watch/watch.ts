// Follow a sweep until every run has finished: its event stream (SSE) moves the per-run bars, a status poll keeps the
// sweep's counts and ETA (and tells when it is done), and a dropped stream reconnects with Last-Event-ID so no event
// is lost or repeated. Used by `shapesweep watch` and by `npm run demo`.
import { ApiError, type ApiClient } from '../api-client.js';
import type { CliIo } from '../command.js';
import type { RunSummary, SweepStatus } from '../api-types.js';
import { renderFrame, renderSummary, renderTransition, rewind } from '../render/watch-frame.js';
import { readSse } from './sse.js';
import { FINISHED_STATUSES, WatchState, type SweepEvent } from './state.js';

export interface WatchOptions {
  /** Output, abort signal (Ctrl-C), terminal flag and width. */
  readonly io: Pick<CliIo, 'stdout' | 'signal' | 'isTTY' | 'columns'>;
  /** Redraw in place (terminal) or print lines (logs). @defaultValue io.isTTY */
  readonly tty?: boolean;
  /** Plain mode: a summary line this often, in ms. @defaultValue 30000 */
  readonly summaryIntervalMs?: number;
  /** How often the sweep's status (counts, ETA) is re-read, in ms. @defaultValue 5000 */
  readonly statusPollMs?: number;
  /** Terminal mode: redraw this often so ETAs count down, in ms. @defaultValue 1000 */
  readonly redrawMs?: number;
  /** Give up (exit 3) when the API stays unreachable this long, in ms. @defaultValue 60000 */
  readonly reconnectTimeoutMs?: number;
  /** Clock in ms. @defaultValue Date.now */
  readonly now?: () => number;
}

export interface WatchResult {
  /** Stopped by io.signal (Ctrl-C) before the sweep finished. */
  readonly interrupted: boolean;
  readonly state: WatchState;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export function sweepPath(sweepId: string): string {
  return `/v1/sweeps/${encodeURIComponent(sweepId)}`;
}

export async function loadRuns(client: ApiClient, sweepId: string): Promise<RunSummary[]> {
  return client.all<RunSummary>(`${sweepPath(sweepId)}/runs`, 'runs', {}, 1000);
}

export async function watchSweep(client: ApiClient, sweepId: string, options: WatchOptions): Promise<WatchResult> {
  const { io } = options;
  const now = options.now ?? Date.now;
  const tty = options.tty ?? io.isTTY === true;
  const columns = io.columns ?? 120;
  const reconnectTimeoutMs = options.reconnectTimeoutMs ?? 60_000;
  const path = sweepPath(sweepId);

  const state = new WatchState(await client.get<SweepStatus>(path), await loadRuns(client, sweepId));

  let drawnLines = 0;
  const draw = (): void => {
    if (tty) {
      const frame = renderFrame(state, { nowMs: now(), unicode: true, columns });
      io.stdout(rewind(drawnLines) + frame);
      drawnLines = frame.split('\n').length - 1;
    } else {
      io.stdout(renderSummary(state, now()));
    }
  };
  draw();
  if (state.finished()) return { interrupted: false, state };

  // `stop` ends the stream when the sweep is done; io.signal when the user presses Ctrl-C.
  const stop = new AbortController();
  const signal = io.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, io.signal]);

  let refreshing = false;
  const refreshStatus = async (): Promise<void> => {
    if (refreshing || signal.aborted) return;
    refreshing = true;
    try {
      state.status = await client.get<SweepStatus>(path);
      if (state.finished()) stop.abort();
    } catch {
      // The stream loop reports an API that stays away; a missed poll changes nothing.
    } finally {
      refreshing = false;
    }
  };
  const timers = [
    setInterval(() => void refreshStatus(), options.statusPollMs ?? 5_000),
    setInterval(() => (tty ? draw() : io.stdout(renderSummary(state, now()))), tty ? (options.redrawMs ?? 1_000) : (options.summaryIntervalMs ?? 30_000)),
  ];

  /** Reads the stream from the last event id until it has been quiet for `quietMs`; best effort. */
  const drainEvents = async (quietMs = 1_000): Promise<void> => {
    const resume = state.lastEventId;
    if (resume === null) return;
    const drain = new AbortController();
    const drainSignal = io.signal === undefined ? drain.signal : AbortSignal.any([drain.signal, io.signal]);
    let quiet = setTimeout(() => drain.abort(), quietMs * 3);
    try {
      const response = await client.send('GET', `${path}/events`, {
        headers: { accept: 'text/event-stream', 'last-event-id': resume },
        signal: drainSignal,
      });
      clearTimeout(quiet);
      quiet = setTimeout(() => drain.abort(), quietMs);
      for await (const message of readSse(response, drainSignal)) {
        clearTimeout(quiet);
        quiet = setTimeout(() => drain.abort(), quietMs);
        const event = parseEvent(message.id, message.event, message.data);
        if (event === null) continue;
        const transition = state.apply(event, now());
        if (transition !== null && !tty) io.stdout(renderTransition(transition, now()));
      }
    } catch {
      // Quiet (aborted) or unreachable: the database snapshot below still gives the final picture.
    } finally {
      clearTimeout(quiet);
    }
  };

  let lastContactMs = now();
  let backoffMs = 500;
  try {
    while (!signal.aborted) {
      try {
        const resume = state.lastEventId;
        const response = await client.send('GET', `${path}/events`, {
          // Without an event id yet, only new events are wanted: the snapshot below covers everything before.
          query: resume === null ? { after: 'now' } : {},
          headers: { accept: 'text/event-stream', ...(resume === null ? {} : { 'last-event-id': resume }) },
          signal,
        });
        lastContactMs = now();
        backoffMs = 500;
        if (resume === null) {
          // Events written between the first snapshot and the stream's start would be lost: take the snapshot again,
          // now that the stream is positioned (events after this point replay on top, and they only move forward).
          state.replaceRuns(await loadRuns(client, sweepId));
          await refreshStatus();
        }
        for await (const message of readSse(response, signal)) {
          lastContactMs = now();
          const event = parseEvent(message.id, message.event, message.data);
          if (event === null) continue;
          const transition = state.apply(event, now());
          if (transition !== null && !tty) io.stdout(renderTransition(transition, now()));
          // A status change shows at once; progress waits for the redraw timer (one frame per second, however many
          // runs report).
          if (tty && transition !== null) draw();
          if (event.type === 'sweep.completed' || (transition !== null && FINISHED_STATUSES.has(transition.to))) await refreshStatus();
        }
        // The server ended the stream (restart, shutdown): reconnect from the last event.
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof ApiError && err.status < 500) throw err;
        if (now() - lastContactMs > reconnectTimeoutMs) throw err;
      }
      await sleep(backoffMs, signal);
      backoffMs = Math.min(10_000, backoffMs * 2);
    }
  } finally {
    for (const timer of timers) clearInterval(timer);
  }

  const interrupted = io.signal?.aborted === true && !state.finished();
  if (!interrupted) {
    // The status poll can see the sweep finish while the stream is down (an api restart) or behind: replay what the
    // stream has not shown yet, so every run's last transition is printed, then stop at the first quiet moment.
    await drainEvents();
    // The final picture from the database: every run's last status and results.
    state.replaceRuns(await loadRuns(client, sweepId));
    state.status = await client.get<SweepStatus>(path);
  }
  if (tty || !interrupted) draw();
  return { interrupted, state };
}

function parseEvent(id: string | undefined, type: string | undefined, data: string): SweepEvent | null {
  try {
    const body = JSON.parse(data) as { id?: unknown; type?: unknown; runId?: unknown; data?: unknown };
    const eventId = typeof body.id === 'string' ? body.id : id;
    if (eventId === undefined) return null;
    return {
      id: eventId,
      type: typeof body.type === 'string' ? body.type : (type ?? 'message'),
      runId: typeof body.runId === 'string' ? body.runId : null,
      data: typeof body.data === 'object' && body.data !== null ? (body.data as Record<string, unknown>) : {},
    };
  } catch {
    return null;
  }
}
