import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, MetricIngest, type Database, type MetricPointInput } from '@shapesweep/db';
import { createTestDatabase, insertPlaceholderRuns, startTcpProxy, type TestDatabase, type TcpProxy } from '@shapesweep/db/testing';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertPlaceholderRuns(db, 'sweep-1', ['run-a', 'run-b', 'run-c', 'run-d']);
});

afterAll(async () => {
  await db?.drop();
});

function curve(runId: string, steps: number, names = ['train_loss', 'lr'], from = 0): MetricPointInput[] {
  const points: MetricPointInput[] = [];
  for (let step = from; step < from + steps; step++) {
    for (const name of names) {
      points.push({ runId, phase: 'pretrain', name, step, value: 1 / (step + 1), wallTime: new Date(Date.UTC(2025, 0, 1, 0, 0, step)) });
    }
  }
  return points;
}

async function stored(runId: string): Promise<Array<{ name: string; step: number; value: number }>> {
  const { rows } = await db.pool.query<{ name: string; step: number; value: number }>(
    'SELECT name, step, value FROM metric_point WHERE run_id = $1 ORDER BY name, step',
    [runId],
  );
  return rows;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('MetricIngest', () => {
  it('stores every point once and treats re-delivered points as no-ops, keeping the first value', async () => {
    const ingest = new MetricIngest(db.pool, { maxBatchPoints: 50 });
    const first = curve('run-a', 100);
    await ingest.add(first);
    await ingest.flush();
    expect(ingest.stats.inserted).toBe(200);

    // A retried batch and a resumed run: the same keys again (with different values), mixed with new steps, and a
    // duplicate inside one add().
    const again = curve('run-a', 130).map((p) => ({ ...p, value: 42 }));
    await ingest.add([...again, again[again.length - 1]!]);
    await ingest.close();

    const rows = await stored('run-a');
    expect(rows).toHaveLength(260);
    expect(new Set(rows.map((r) => `${r.name}:${r.step}`)).size).toBe(260);
    expect(rows.find((r) => r.name === 'lr' && r.step === 99)?.value).toBe(1 / 100);
    expect(rows.find((r) => r.name === 'lr' && r.step === 129)?.value).toBe(42);
    expect(ingest.stats).toMatchObject({ accepted: 461, written: 461, inserted: 260, dropped: 0 });
  });

  it('writes a partial batch after flushIntervalMs without an explicit flush', async () => {
    const ingest = new MetricIngest(db.pool, { maxBatchPoints: 1000, flushIntervalMs: 20 });
    await ingest.add(curve('run-b', 5, ['eval_loss']));
    await until(() => ingest.stats.written === 5);
    expect(await stored('run-b')).toHaveLength(5);
    await ingest.close();
  });

  it('stores NaN and infinite values as such', async () => {
    const ingest = new MetricIngest(db.pool);
    const wallTime = new Date();
    await ingest.add([
      { runId: 'run-b', phase: 'pretrain', name: 'grad_norm', step: 0, value: Number.NaN, wallTime },
      { runId: 'run-b', phase: 'pretrain', name: 'grad_norm', step: 1, value: Number.POSITIVE_INFINITY, wallTime },
      { runId: 'run-b', phase: 'pretrain', name: 'grad_norm', step: 2, value: -0.125, wallTime },
    ]);
    await ingest.close();
    const values = (await stored('run-b')).filter((r) => r.name === 'grad_norm').map((r) => r.value);
    expect(values).toEqual([Number.NaN, Number.POSITIVE_INFINITY, -0.125]);
  });

  it('drops and reports points of a run that does not exist without holding back the others', async () => {
    const reports: Array<{ count: number; reason: string }> = [];
    const ingest = new MetricIngest(db.pool, { onDropped: (points, reason) => reports.push({ count: points.length, reason }) });
    await ingest.add([...curve('no-such-run', 3, ['x']), ...curve('run-c', 4, ['y'])]);
    await ingest.close();
    expect(reports).toEqual([{ count: 3, reason: 'run no-such-run does not exist' }]);
    expect(await stored('run-c')).toHaveLength(4);
    expect(ingest.stats.dropped).toBe(3);
  });

  it('rejects a malformed point naming its index and field, and accepts nothing from that add()', async () => {
    const ingest = new MetricIngest(db.pool);
    const points = curve('run-c', 2, ['z']);
    points[1] = { ...points[1]!, step: 1.5 };
    await expect(ingest.add(points)).rejects.toThrow('metric point [1]: step: 1.5 must be an int32');
    expect(ingest.bufferedPoints).toBe(0);
    await ingest.close();
  });

  it('deletes a run’s points together with the run', async () => {
    await db.pool.query(`INSERT INTO sweep (id, name, spec, cell_count, updated_at) VALUES ('sweep-del', 'x', '{}', 1, now())`);
    await db.pool.query(
      `INSERT INTO run (id, sweep_id, cell_key, name, family, width_scale, el, dl, dm, ff, nh, kv, vocab, params,
                        embedding_params, non_embedding_params, flops_per_example, planned_train_flops, hparams, seed,
                        total_steps, updated_at)
       SELECT 'run-del', 'sweep-del', 'c', name, family, width_scale, el, dl, dm, ff, nh, kv, vocab, params,
              embedding_params, non_embedding_params, flops_per_example, planned_train_flops, hparams, seed, total_steps, now()
       FROM run WHERE id = 'run-a'`,
    );
    const ingest = new MetricIngest(db.pool);
    await ingest.add(curve('run-del', 10));
    await ingest.close();
    const before = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM metric_value');
    await db.prisma.sweep.delete({ where: { id: 'sweep-del' } });
    const after = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM metric_value');
    expect(Number(before.rows[0]!.n) - Number(after.rows[0]!.n)).toBe(20);
    expect(await stored('run-del')).toHaveLength(0);
  });

  describe('while Postgres is unreachable', () => {
    let proxy: TcpProxy;
    let viaProxy: Database;

    beforeAll(async () => {
      const target = new URL(db.url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      viaProxy = createDatabase({ url: proxy.proxyUrl(db.url), poolMax: 2 });
    });

    afterAll(async () => {
      await proxy?.resume();
      await viaProxy?.close();
      await proxy?.close();
    });

    it('keeps failed batches, retries with backoff and loses no point once Postgres is back', async () => {
      const retries: Array<{ attempt: number; delayMs: number }> = [];
      const ingest = new MetricIngest(viaProxy.pool, {
        maxBatchPoints: 100,
        flushIntervalMs: 10,
        retryInitialMs: 10,
        retryMaxMs: 50,
        onRetry: (_err, attempt, delayMs) => retries.push({ attempt, delayMs }),
      });
      await ingest.add(curve('run-d', 100, ['train_loss']));
      await ingest.flush();

      await proxy.pause();
      // Accepted while the server is away: the add() resolves (room in the buffer), the writes fail and are kept.
      await ingest.add(curve('run-d', 250, ['train_loss'], 100));
      await until(() => retries.length >= 3);
      expect(await stored('run-d')).toHaveLength(100);
      expect(ingest.bufferedPoints).toBe(250);

      await proxy.resume();
      await ingest.close();
      const rows = await stored('run-d');
      expect(rows.map((r) => r.step)).toEqual(Array.from({ length: 350 }, (_, i) => i));
      // Exponential backoff with jitter: attempt k waits between half and all of min(retryMaxMs, 10 ms · 2^(k-1)).
      expect(Math.max(...retries.map((r) => r.attempt))).toBeGreaterThanOrEqual(2);
      for (const { attempt, delayMs } of retries) {
        const ceilingMs = Math.min(50, 10 * 2 ** (attempt - 1));
        expect(delayMs).toBeGreaterThanOrEqual(ceilingMs / 2);
        expect(delayMs).toBeLessThanOrEqual(ceilingMs);
      }
    });

    it('makes add() wait once maxBufferedPoints are held, never holding more, and dropping nothing', async () => {
      const ingest = new MetricIngest(viaProxy.pool, { maxBatchPoints: 40, maxBufferedPoints: 100, flushIntervalMs: 10, retryInitialMs: 10, retryMaxMs: 50 });
      await proxy.pause();
      const points = curve('run-d', 130, ['lr']);
      await ingest.add(points.slice(0, 100));
      let admitted = false;
      const waiting = ingest.add(points.slice(100)).then(() => {
        admitted = true;
      });
      await until(() => ingest.stats.retries >= 2);
      expect(admitted).toBe(false);
      expect(ingest.bufferedPoints).toBe(100);
      expect(ingest.waitingPoints).toBe(30);

      await proxy.resume();
      await waiting;
      expect(ingest.bufferedPoints).toBeLessThanOrEqual(100);
      await ingest.close();
      const steps = (await stored('run-d')).filter((r) => r.name === 'lr').map((r) => r.step);
      expect(steps).toEqual(Array.from({ length: 130 }, (_, i) => i));
    });
  });
});
