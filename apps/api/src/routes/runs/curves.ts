// Training curves, downsampled on the server. A curve may hold a million points; a plot needs hundreds.
//
// Small curves (≤ maxPoints) come back whole. Larger ones go through MinMaxLTTB (Van Der Donckt et al. 2023,
// "MinMaxLTTB: leveraging MinMax-preselection to scale LTTB"): the step range is cut into buckets and only each
// bucket's lowest and highest point is kept — from the metric_rollup table (per-256-step blocks kept by triggers) for
// long curves, else by one aggregate pass in Postgres — then the analysis package's LTTB (or min/max) picks the final
// maxPoints from those candidates in Node. The first and last points are read separately through the primary key, so
// both ends and the global extremes (each the extreme of its own bucket) always survive.
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

export interface RollupRow {
  block: number;
  points: number;
  min_step: number;
  min_value: number;
  max_step: number;
  max_value: number;
}

/** Postgres' float8 order (NaN above every number, NaN equal to NaN), which the raw aggregation and the rollup use. */
function compareValues(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One curve with at most `maxPoints` points (maxPoints ≥ 4 keeps first, last, min and max).
 *
 * Reads the curve's rollup first (one row per 256 steps, see prisma/schema.prisma MetricRollup): its point counts say
 * how long the curve is without touching the points. Short curves come back raw. Long ones take their candidate
 * buckets from the rollup when it has at least `maxPoints` blocks (≥ 2·maxPoints candidates, so LTTB still has a choice):
 * each candidate bucket is a run of whole blocks, so its min and max are exactly those of its points. Otherwise (a
 * curve of fewer than 256·maxPoints points) Postgres aggregates the raw points, as before.
 */
export async function downsampledCurve(db: Database, key: CurveKey, maxPoints: number, method: DownsampleMethod): Promise<Curve> {
  const params = [key.seriesId];
  const curve = { phase: key.phase, name: key.name };
  const rollup = await db.pool.query<RollupRow>(
    `SELECT block, points, min_step, min_value, max_step, max_value FROM metric_rollup WHERE series_id = $1 ORDER BY block`,
    params,
  );
  let total = 0;
  for (const r of rollup.rows) total += r.points;
  if (total <= maxPoints) {
    // An empty rollup means no points (the triggers keep it complete); the LIMIT bounds the read either way.
    const { rows } = await db.pool.query<{ step: number; value: number }>(
      `SELECT step, value FROM metric_value WHERE series_id = $1 ORDER BY step LIMIT $2`,
      [...params, maxPoints],
    );
    return { ...curve, total: rows.length, points: rows.map((r) => [r.step, r.value]), downsampled: false };
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
  const byStep = new Map<number, number>();
  byStep.set(first.step, first.value);
  byStep.set(last.step, last.value);
  if (rollup.rows.length >= maxPoints) {
    for (const c of rollupCandidates(rollup.rows, buckets)) {
      byStep.set(c.min_step, c.min_value);
      byStep.set(c.max_step, c.max_value);
    }
  } else {
    // width_bucket over [first, last + 1) gives buckets 1..n of equal step width. The array min/max carry the step
    // of each bucket's extreme along with its value (ties: the smaller step for the min, the larger for the max).
    const candidates = await db.pool.query<{ min_step: number; min_value: number; max_step: number; max_value: number }>(
      `SELECT (min(ARRAY[value, step::float8]))[2]::int AS min_step, min(value) AS min_value,
              (max(ARRAY[value, step::float8]))[2]::int AS max_step, max(value) AS max_value
         FROM metric_value
        WHERE series_id = $1
        GROUP BY width_bucket(step, $2::int, $3::int, $4::int)`,
      [...params, first.step, last.step + 1, buckets],
    );
    for (const b of candidates.rows) {
      byStep.set(b.min_step, b.min_value);
      byStep.set(b.max_step, b.max_value);
    }
  }
  const points: CurvePoint[] = [...byStep].map(([x, y]) => ({ x, y })).sort((a, b) => a.x - b.x);
  const picked = method === 'lttb' ? lttb(points, maxPoints) : minMaxDownsample(points, maxPoints);
  return { ...curve, total, points: picked.map((p) => [p.x, p.y]), downsampled: true };
}

/**
 * Merges consecutive rollup blocks (ascending) into at most `buckets` buckets of equal block width and returns each
 * bucket's lowest and highest point, with the same tie rule as the SQL aggregation.
 */
export function rollupCandidates(blocks: readonly RollupRow[], buckets: number): RollupRow[] {
  const out: RollupRow[] = [];
  if (blocks.length === 0) return out;
  const firstBlock = blocks[0]!.block;
  const span = blocks[blocks.length - 1]!.block - firstBlock + 1;
  let current: RollupRow | undefined;
  let currentBucket = -1;
  for (const b of blocks) {
    const bucket = Math.floor(((b.block - firstBlock) * buckets) / span);
    if (current === undefined || bucket !== currentBucket) {
      if (current !== undefined) out.push(current);
      current = { ...b };
      currentBucket = bucket;
      continue;
    }
    current.points += b.points;
    const lower = compareValues(b.min_value, current.min_value);
    if (lower < 0 || (lower === 0 && b.min_step < current.min_step)) {
      current.min_value = b.min_value;
      current.min_step = b.min_step;
    }
    const higher = compareValues(b.max_value, current.max_value);
    if (higher > 0 || (higher === 0 && b.max_step > current.max_step)) {
      current.max_value = b.max_value;
      current.max_step = b.max_step;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}
