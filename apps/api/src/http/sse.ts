// Server-Sent Events over a hijacked Fastify reply. One stream = one loop: read new rows after a cursor, write them,
// sleep until the next poll or an early wake-up (BullMQ QueueEvents), repeat. The cursor is the event's id, sent as
// the SSE `id:` field, so a browser's automatic reconnect (Last-Event-ID) resumes exactly where it stopped.
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** One message of the stream. */
export interface SseMessage {
  id: string;
  event: string;
  data: unknown;
}

export interface SseStreamOptions<C> {
  /** Where to start; the first fetch reads after it. */
  cursor: C;
  /** Reads up to `limit` messages after the cursor and returns them with the new cursor. */
  fetch(cursor: C, limit: number): Promise<{ messages: SseMessage[]; cursor: C }>;
  /** Sleep between polls when there was nothing (more) to read, in ms. */
  pollMs: number;
  /** Interval of `: ping` comments that keep proxies from closing an idle stream, in ms. */
  heartbeatMs: number;
  /** Messages read per fetch. @defaultValue 500 */
  batch?: number;
}

/** Open streams, so shutdown can end them and queue events can wake them. */
export class SseRegistry {
  private readonly streams = new Set<{ wake(): void; close(): void; done: Promise<void> }>();

  add(stream: { wake(): void; close(): void; done: Promise<void> }): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  /** Makes every stream poll now instead of at its next interval. */
  wakeAll(): void {
    for (const s of this.streams) s.wake();
  }

  /**
   * Ends every stream and waits until each has finished its response cleanly (graceful shutdown: clients see the
   * stream end, not a reset, and reconnect elsewhere with Last-Event-ID). A stream stuck writing to a client that
   * stopped reading is not waited for beyond `waitMs`: the server's own close then cuts its connection.
   */
  async closeAll(waitMs = 2_000): Promise<void> {
    const streams = [...this.streams];
    for (const s of streams) s.close();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      timer.unref();
    });
    await Promise.race([Promise.all(streams.map((s) => s.done)), limit]);
    clearTimeout(timer);
  }

  get size(): number {
    return this.streams.size;
  }
}

function encode(message: SseMessage): string {
  // JSON never contains a raw newline, so one `data:` line carries the whole payload.
  return `id: ${message.id}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

async function write(raw: ServerResponse, chunk: string, closed: () => boolean): Promise<void> {
  if (raw.write(chunk)) return;
  // The client reads slower than we write: wait for the socket to drain (or close) instead of buffering forever.
  await new Promise<void>((resolve) => {
    const done = (): void => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
    if (closed()) done();
  });
}

/**
 * Takes over the reply and streams until the client disconnects or the registry closes the stream.
 * Resolves when the stream has ended.
 */
export async function runSseStream<C>(request: FastifyRequest, reply: FastifyReply, registry: SseRegistry, options: SseStreamOptions<C>): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx buffers responses unless told otherwise, which would hold events back.
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: 2000\n\n`);

  let closed = false;
  let wakeUp: (() => void) | null = null;
  const wake = (): void => {
    wakeUp?.();
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    wake();
  };
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const unregister = registry.add({ wake, close, done });
  // The response's 'close' fires when the client goes away (the request's own 'close' fires as soon as a GET has
  // been read, so it cannot tell).
  raw.on('close', close);
  const heartbeat = setInterval(() => {
    if (!closed) raw.write(': ping\n\n');
  }, options.heartbeatMs);
  heartbeat.unref();

  const batch = options.batch ?? 500;
  let cursor = options.cursor;
  try {
    while (!closed) {
      let full = false;
      try {
        const result = await options.fetch(cursor, batch);
        for (const message of result.messages) {
          if (closed) break;
          await write(raw, encode(message), () => closed);
        }
        cursor = result.cursor;
        full = result.messages.length >= batch;
      } catch (err) {
        // A database blip must not end the stream: report it as a comment and try again at the next poll.
        request.log.warn({ err }, 'sse poll failed');
        if (!closed) raw.write(': poll failed, retrying\n\n');
      }
      if (full || closed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = null;
    }
  } finally {
    clearInterval(heartbeat);
    unregister();
    raw.off('close', close);
    if (!raw.writableEnded) {
      // Resolve once the final chunk is flushed, so a shutdown that waits on `done` never cuts it off.
      raw.end(() => finished());
      raw.once('close', () => finished());
    } else {
      finished();
    }
  }
}
