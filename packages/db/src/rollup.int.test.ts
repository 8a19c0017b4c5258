import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricIngest, type MetricPointInput } from '@shapesweep/db';
import { createTestDatabase, insertPlaceholderRuns, type TestDatabase } from '@shapesweep/db/testing';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertPlaceholderRuns(db, 'sweep-1', ['run-a', 'run-b']);
});

afterAll(async () => {
  await db?.drop();
});

/** A noisy curve with ties, NaN and negative steps, so every ordering rule of the rollup is exercised. */
function points(runId: string, from: number, to: number, salt: number): MetricPointInput[] {
  const out: MetricPointInput[] = [];
  for (let step = from; step < to; step++) {
    const value = step % 97 === 0 ? Number.NaN : Math.round(Math.sin(step * 0.37 + salt) * 20) / 4;
    out.push({ runId, phase: 'pretrain', name: 'train_loss', step, value, wallTime: new Date(Date.UTC(2025, 0, 1) + step) });
  }
  return out;
}

/** metric_rollup next to the same aggregate computed from the raw points; the two must be equal. */
async function rollupVersusRaw(): Promise<{ rollup: unknown[]; raw: unknown[] }> {
  const columns = 'series_id, block, points, min_step, min_value::text, max_step, max_value::text';
  const rollup = await db.pool.query(`SELECT ${columns} FROM metric_rollup ORDER BY series_id, block`);
  const raw = await db.pool.query(
    `SELECT ${columns} FROM (
       SELECT series_id, step >> 8 AS block, count(*)::int AS points,
              (min(ARRAY[value, step::float8]))[2]::int AS min_step, min(value) AS min_value,
              (max(ARRAY[value, step::float8]))[2]::int AS max_step, max(value) AS max_value
         FROM metric_value GROUP BY series_id, step >> 8) r
      ORDER BY series_id, block`,
  );
  return { rollup: rollup.rows, raw: raw.rows };
}

describe('metric_rollup', () => {
  it('equals the raw per-block aggregate after COPY batches, overlapping re-deliveries, unnest writes and deletes', async () => {
    const copy = new MetricIngest(db.pool, { maxBatchPoints: 700 });
    await copy.add(points('run-a', -300, 2_000, 1));
    await copy.flush();
    // Re-delivery with different values: the stored points (and so the rollup) keep the first ones.
    await copy.add(points('run-a', 1_500, 3_000, 2));
    await copy.close();
    const unnest = new MetricIngest(db.pool, { method: 'unnest', maxBatchPoints: 500 });
    await unnest.add(points('run-b', 0, 1_200, 3));
    await unnest.add(points('run-b', 600, 1_400, 4));
    await unnest.close();

    let { rollup, raw } = await rollupVersusRaw();
    expect(rollup.length).toBeGreaterThan(10);
    expect(rollup).toEqual(raw);

    await db.pool.query(`DELETE FROM metric_value WHERE step BETWEEN 100 AND 700`);
    await db.pool.query(`UPDATE metric_value SET value = -100, step = step + 5000 WHERE step BETWEEN 2000 AND 2010`);
    ({ rollup, raw } = await rollupVersusRaw());
    expect(rollup).toEqual(raw);
    expect(rollup).toContainEqual(expect.objectContaining({ min_value: '-100' }));
  });

  it('disappears with the run its points belong to', async () => {
    await db.pool.query(`DELETE FROM run WHERE id = 'run-b'`);
    const { rollup, raw } = await rollupVersusRaw();
    expect(rollup).toEqual(raw);
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM metric_rollup WHERE series_id NOT IN (SELECT id FROM metric_series)`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
