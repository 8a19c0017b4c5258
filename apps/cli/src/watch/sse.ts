// Server-Sent Events from a fetch Response body, parsed with eventsource-parser (the WHATWG framing: id, event,
// data lines, comments as heartbeats).
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Yields each message of the stream until it ends or `signal` aborts (then the pending read rejects). */
export async function* readSse(response: Response, signal?: AbortSignal): AsyncGenerator<EventSourceMessage> {
  if (response.body === null) return;
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      if (signal?.aborted === true) throw signal.reason ?? new Error('aborted');
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift()!;
    }
    // Aborting cancels the reader, which ends the loop above like a closed stream: tell the two apart.
    if (isAborted(signal)) throw signal!.reason ?? new Error('aborted');
  } finally {
    signal?.removeEventListener('abort', cancel);
    cancel();
  }
}

/** A function, so TypeScript does not keep the narrowing from the loop's first check. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
