// Live sweep events. Without a token the browser's EventSource does the work (it reconnects by itself and resends
// Last-Event-ID). EventSource cannot send an Authorization header, so with a token the stream is read with fetch and
// parsed here, reconnecting the same way.

/** One decoded `event:` block of a text/event-stream. */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Incremental parser of the text/event-stream format (WHATWG HTML §9.2): feed it chunks as they arrive; it returns
 * the events completed by each chunk. Comments (`: ping`) and `retry:` lines are ignored.
 */
export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone \r at the end of a chunk may be the first half of \r\n: wait for the next chunk to decide.
      if (width === 1 && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(newline + width);
      if (line === '') {
        if (this.data.length > 0) out.push({ id: this.id, event: this.event === '' ? 'message' : this.event, data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
    }
    return out;
  }

  /** The last event id seen (what a reconnect sends as Last-Event-ID). */
  get lastEventId(): string | null {
    return this.id;
  }
}

/** The payload of every sweep event (apps/api routes/sweeps: `GET /v1/sweeps/:id/events`). */
export interface SweepEvent {
  id: string;
  type: string;
  sweepId: string;
  runId: string | null;
  createdAt: string;
  data: Record<string, unknown>;
}

/** Event types the api and workers write to run_event. */
export const SWEEP_EVENT_TYPES = [
  'run.queued',
  'run.started',
  'run.progress',
  'run.metrics',
  'run.completed',
  'run.failed',
  'run.cancelled',
  'run.requeued',
  'run.cancel_requested',
  'sweep.queued',
  'sweep.completed',
] as const;

export interface EventStreamHandlers {
  onEvent(event: SweepEvent): void;
  /** Connected (true) or lost and retrying (false). */
  onConnection(connected: boolean): void;
}

export interface EventStream {
  close(): void;
}

/** Delay before reconnecting a fetch stream, in ms (the api also sends `retry: 2000`). */
const RECONNECT_MS = 2_000;

function decode(data: string): SweepEvent | null {
  try {
    const value = JSON.parse(data) as SweepEvent;
    return typeof value === 'object' && value !== null && typeof value.type === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * Opens `url` (which should say `?after=now` or an event id) and calls `onEvent` for every event, in order.
 * With `token` the stream goes through fetch with `Authorization: Bearer`.
 */
export function openEventStream(url: string, token: string | null, handlers: EventStreamHandlers): EventStream {
  if (token === null && typeof EventSource !== 'undefined') {
    const source = new EventSource(url);
    source.onopen = () => handlers.onConnection(true);
    source.onerror = () => handlers.onConnection(false);
    const listener = (message: MessageEvent<string>): void => {
      const event = decode(message.data);
      if (event !== null) handlers.onEvent(event);
    };
    for (const type of SWEEP_EVENT_TYPES) source.addEventListener(type, listener);
    source.addEventListener('message', listener);
    return { close: () => source.close() };
  }

  const controller = new AbortController();
  let lastEventId: string | null = null;
  let closed = false;
  const run = async (): Promise<void> => {
    while (!closed) {
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (token !== null) headers['authorization'] = `Bearer ${token}`;
        if (lastEventId !== null) headers['last-event-id'] = lastEventId;
        const response = await fetch(url, { headers, signal: controller.signal });
        if (!response.ok || response.body === null) throw new Error(`event stream: HTTP ${response.status}`);
        handlers.onConnection(true);
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const message of parser.push(value)) {
            const event = decode(message.data);
            if (event !== null) handlers.onEvent(event);
          }
          lastEventId = parser.lastEventId ?? lastEventId;
        }
      } catch {
        // Network error or abort: reconnect below unless closed.
      }
      if (closed) return;
      handlers.onConnection(false);
      await new Promise((resolve) => window.setTimeout(resolve, RECONNECT_MS));
    }
  };
  void run();
  return {
    close: () => {
      closed = true;
      controller.abort();
    },
  };
}
