import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, tinySpec, type Harness } from '../../test-support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface SseEvent {
  id: string;
  event: string;
  data: { type: string; runId: string | null; data: Record<string, unknown> };
}

/** A minimal EventSource over fetch: yields parsed events until `stop` says so, then aborts. */
async function readEvents(url: string, headers: Record<string, string>, stop: (events: SseEvent[]) => boolean, timeoutMs = 10_000): Promise<SseEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { headers, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    while (!stop(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
        if (fields.data !== undefined) events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) });
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('GET /v1/sweeps/:id/events', () => {
  it('streams run events as they are written and resumes after Last-Event-ID', async () => {
    h = await startHarness();
    const submit = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: tinySpec() });
    const sweepId = submit.json().sweep.id as string;
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${address}/v1/sweeps/${sweepId}/events`;

    // A worker starts a run and reports progress while we listen: the stream delivers the submit's sweep.queued
    // event, then these two.
    const runId = (await h.db.pool.query<{ id: string }>('SELECT id FROM run ORDER BY id LIMIT 1')).rows[0]!.id;
    setTimeout(() => {
      void (async () => {
        await h!.db.pool.query(`INSERT INTO run_event (sweep_id, run_id, type, data) VALUES ($1, $2, 'run.started', '{"attempt":1}')`, [sweepId, runId]);
        await h!.db.pool.query(`INSERT INTO run_event (sweep_id, run_id, type, data) VALUES ($1, $2, 'run.progress', '{"step":5}')`, [sweepId, runId]);
      })();
    }, 200);
    const live = await readEvents(url, {}, (events) => events.length >= 3);
    expect(live.map((e) => e.event)).toEqual(['sweep.queued', 'run.started', 'run.progress']);
    expect(live[0]!.data).toMatchObject({ type: 'sweep.queued', runId: null, data: { queued: 4, pending: 0 } });
    expect(live[1]!.data).toMatchObject({ type: 'run.started', runId, data: { attempt: 1 } });
    const ids = live.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);

    // Reconnect after the first event: exactly the two later ones come back.
    const resumed = await readEvents(url, { 'last-event-id': live[0]!.id }, (events) => events.length >= 2);
    expect(resumed.map((e) => e.id)).toEqual(live.slice(1).map((e) => e.id));
    // Nothing is left registered once the clients went away.
    await new Promise((r) => setTimeout(r, 100));
    expect(h.sse.size).toBe(0);
  });

  it('ends open streams when the server shuts down', async () => {
    h = await startHarness();
    const submit = await h.app.inject({ method: 'POST', url: '/v1/sweeps', headers: h.auth('write'), payload: tinySpec() });
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/v1/sweeps/${submit.json().sweep.id}/events?after=now`);
    const reader = res.body!.getReader();
    await reader.read(); // the `retry:` preamble
    const closing = h.app.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    await closing;
    expect(h.sse.size).toBe(0);
  });

  it('answers 400 for a malformed Last-Event-ID and 404 for an unknown sweep', async () => {
    h = await startHarness();
    const bad = await h.app.inject({ method: 'GET', url: '/v1/sweeps/sw_x/events', headers: { 'last-event-id': 'abc' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatch(/last-event-id/);
    const missing = await h.app.inject({ method: 'GET', url: '/v1/sweeps/sw_x/events' });
    expect(missing.statusCode).toBe(404);
  });
});
