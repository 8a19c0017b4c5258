// Training curves, downsampled on the server. A curve may hold a million points; a plot needs hundreds.
//
// Small curves (≤ maxPoints) come back whole. Larger ones go through MinMaxLTTB (Van Der Donckt et al. 2023,
// "MinMaxLTTB: leveraging MinMax-preselection to scale LTTB"): Postgres cuts the step range into buckets and
// returns only each bucket's lowest and highest point (one aggregate pass; a million rows never cross the wire),
// then the analysis package's LTTB (or min/max) picks the final maxPoints from those candidates in Node. The first
// and last points are read separately through the primary key, so both ends and the global extremes (each the
// extreme of its own bucket) always survive.
import { lttb, minMaxDownsample } from '@shapesweep/analysis';
import type { Database } from '@shapesweep/db';

/** Candidate buckets per output point: 4 gives LTTB room to choose while keeping the transfer small. */
const PRESELECT_RATIO = 4;

export interface CurvePoint {
  x: number;
  y: number;
}

export interface Curve {
  phase: string;
  name: string;
  /** Points stored for this curve. */
  total: number;
  /** [step, value] pairs, ascending step. */
  points: Array<[number, number]>;
  downsampled: boolean;
}

export interface CurveKey {
  /** metric_series.id: the points live in metric_value under this key. */
  seriesId: number;
  phase: string;
  name: string;
}

/** The curves (series) a run has, optionally filtered by phase and name. */
export async function curveKeys(db: Database, runId: string, filter: { phase?: string; name?: string }, limit: number): Promise<CurveKey[]> {
  const { rows } = await db.pool.query<{ id: number; phase: string; name: string }>(
    `SELECT id, phase, name FROM metric_series
      WHERE run_id = $1 AND ($2::text IS NULL OR phase = $2) AND ($3::text IS NULL OR name = $3)
      ORDER BY phase, name LIMIT $4`,
    [runId, filter.phase ?? null, filter.name ?? null, limit],
  );
  return rows.map((r) => ({ seriesId: r.id, phase: r.phase, name: r.name }));
}

export type DownsampleMethod = 'lttb' | 'minmax';

/** One curve with at most `maxPoints` points (maxPoints ≥ 4 keeps first, last, min and max). */
export async function downsampledCurve(db: Database, key: CurveKey, maxPoints: number, method: DownsampleMethod): Promise<Curve> {
  const params = [key.seriesId];
  const curve = { phase: key.phase, name: key.name };
  // Cheap probe: an index range scan that stops after maxPoints + 1 rows.
  const head = await db.pool.query<{ step: number; value: number }>(
    `SELECT step, value FROM metric_value WHERE series_id = $1 ORDER BY step LIMIT $2`,
    [...params, maxPoints + 1],
  );
  if (head.rows.length <= maxPoints) {
    return { ...curve, total: head.rows.length, points: head.rows.map((r) => [r.step, r.value]), downsampled: false };
  }
  const ends = await db.pool.query<{ step: number; value: number }>(
    `(SELECT step, value FROM metric_value WHERE series_id = $1 ORDER BY step LIMIT 1)
     UNION ALL
     (SELECT step, value FROM metric_value WHERE series_id = $1 ORDER BY step DESC LIMIT 1)`,
    params,
  );
  const first = ends.rows[0]!;
  const last = ends.rows[1]!;
  const buckets = Math.max(1, Math.floor((maxPoints * PRESELECT_RATIO) / 2));
  // width_bucket over [first, last + 1) gives buckets 1..n of equal step width. The array min/max carry the step
  // of each bucket's extreme along with its value (ties: the smaller step for the min, the larger for the max).
  const candidates = await db.pool.query<{ n: string; min_step: number; min_value: number; max_step: number; max_value: number }>(
    `SELECT count(*) AS n,
            (min(ARRAY[value, step::float8]))[2]::int AS min_step, min(value) AS min_value,
            (max(ARRAY[value, step::float8]))[2]::int AS max_step, max(value) AS max_value
       FROM metric_value
      WHERE series_id = $1
      GROUP BY width_bucket(step, $2::int, $3::int, $4::int)`,
    [...params, first.step, last.step + 1, buckets],
  );
  const byStep = new Map<number, number>();
  let total = 0;
  byStep.set(first.step, first.value);
  byStep.set(last.step, last.value);
  for (const b of candidates.rows) {
    total += Number(b.n);
    byStep.set(b.min_step, b.min_value);
    byStep.set(b.max_step, b.max_value);
  }
  const points: CurvePoint[] = [...byStep].map(([x, y]) => ({ x, y })).sort((a, b) => a.x - b.x);
  const picked = method === 'lttb' ? lttb(points, maxPoints) : minMaxDownsample(points, maxPoints);
  return { ...curve, total, points: picked.map((p) => [p.x, p.y]), downsampled: true };
}
