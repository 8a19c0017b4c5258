// Read side of sweeps: one sweep's progress, the sweep list, a sweep's runs.
import type { RunStatusName, StatusCounts } from '@shapesweep/contract';
import type { Database } from '@shapesweep/db';
import type { SweepRow } from './store.js';

export interface SweepProgress {
  counts: StatusCounts;
  /** Optimizer steps finished over all runs (a succeeded run counts its total). */
  stepsDone: number;
  /** Steps the sweep will have run when every unfinished run completes (cancelled/failed runs count what they did). */
  stepsTotal: number;
  /** Sum of the running runs' reported throughput, tokens per second. */
  tokensPerSecond: number;
  /** Steps per second summed over running runs (each: steps done / seconds since it started). */
  stepsPerSecond: number;
  /** Remaining steps / stepsPerSecond; null while nothing runs (no measured throughput). */
  etaSeconds: number | null;
}

export function emptyCounts(): StatusCounts {
  return { PENDING: 0, QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 };
}

/**
 * One pass over the sweep's runs (index run(sweep_id, status)). Throughput comes from the running runs only, so the
 * ETA follows what the fleet achieves now, not what a different mix of shapes did earlier.
 */
export async function sweepProgress(db: Database, sweepId: string): Promise<SweepProgress> {
  const { rows } = await db.pool.query<{ status: RunStatusName; n: string; done: string | null; total: string | null; remaining: string | null; sps: number | null; tps: number | null }>(
    `SELECT status::text AS status,
            count(*) AS n,
            sum(CASE WHEN status = 'SUCCEEDED' THEN total_steps ELSE step END) AS done,
            sum(CASE WHEN status IN ('FAILED', 'CANCELLED') THEN step ELSE total_steps END) AS total,
            sum(CASE WHEN status IN ('PENDING', 'QUEUED', 'RUNNING') THEN GREATEST(total_steps - step, 0) ELSE 0 END) AS remaining,
            sum(CASE WHEN status = 'RUNNING' AND started_at IS NOT NULL AND step > 0
                     THEN step / GREATEST(extract(epoch FROM clock_timestamp() - started_at), 0.001) END)::float8 AS sps,
            sum(tokens_per_second) FILTER (WHERE status = 'RUNNING')::float8 AS tps
       FROM run WHERE sweep_id = $1 GROUP BY status`,
    [sweepId],
  );
  const counts = emptyCounts();
  let stepsDone = 0;
  let stepsTotal = 0;
  let remaining = 0;
  let stepsPerSecond = 0;
  let tokensPerSecond = 0;
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    stepsDone += Number(r.done ?? 0);
    stepsTotal += Number(r.total ?? 0);
    remaining += Number(r.remaining ?? 0);
    stepsPerSecond += r.sps ?? 0;
    tokensPerSecond += r.tps ?? 0;
  }
  return {
    counts,
    stepsDone,
    stepsTotal,
    tokensPerSecond,
    stepsPerSecond,
    etaSeconds: remaining === 0 ? 0 : stepsPerSecond > 0 ? remaining / stepsPerSecond : null,
  };
}

/**
 * ACTIVE → COMPLETED once no run is left to do, with one sweep.completed event. Done on read (and by whoever
 * finishes the last run); the status guard makes it happen once however many readers race.
 */
export async function completeIfDone(db: Database, sweepId: string, counts: StatusCounts): Promise<boolean> {
  if (counts.PENDING + counts.QUEUED + counts.RUNNING > 0) return false;
  const { rowCount } = await db.pool.query(
    `WITH s AS (
       UPDATE sweep SET status = 'COMPLETED', updated_at = now()
        WHERE id = $1 AND status = 'ACTIVE'
          AND NOT EXISTS (SELECT 1 FROM run WHERE sweep_id = $1 AND status IN ('PENDING', 'QUEUED', 'RUNNING'))
       RETURNING id)
     INSERT INTO run_event (sweep_id, run_id, type, data)
     SELECT id, NULL, 'sweep.completed', $2::jsonb FROM s`,
    [sweepId, JSON.stringify({ counts })],
  );
  return (rowCount ?? 0) > 0;
}

export interface SweepListPosition {
  createdAt: string;
  id: string;
}

export async function listSweeps(db: Database, options: { status?: string; after?: SweepListPosition; limit: number }): Promise<SweepRow[]> {
  const { rows } = await db.pool.query<{ id: string; name: string; spec: unknown; status: string; priority: number; cell_count: number; idempotency_key: string | null; created_at: Date; updated_at: Date }>(
    `SELECT id, name, 'null'::jsonb AS spec, status::text AS status, priority, cell_count, idempotency_key, created_at, updated_at
       FROM sweep
      WHERE ($1::sweep_status IS NULL OR status = $1::sweep_status)
        AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
      ORDER BY created_at DESC, id DESC
      LIMIT $4`,
    [options.status ?? null, options.after?.createdAt ?? null, options.after?.id ?? null, options.limit],
  );
  return rows.map((r) => ({
    id: r.id, name: r.name, spec: null, status: r.status, priority: r.priority, cellCount: r.cell_count,
    idempotencyKey: r.idempotency_key, createdAt: r.created_at, updatedAt: r.updated_at,
  }));
}

/** Status counts of several sweeps at once (the list page). */
export async function countsForSweeps(db: Database, sweepIds: readonly string[]): Promise<Map<string, StatusCounts>> {
  const out = new Map<string, StatusCounts>(sweepIds.map((id) => [id, emptyCounts()]));
  if (sweepIds.length === 0) return out;
  const { rows } = await db.pool.query<{ sweep_id: string; status: RunStatusName; n: string }>(
    `SELECT sweep_id, status::text AS status, count(*) AS n FROM run WHERE sweep_id = ANY($1::text[]) GROUP BY sweep_id, status`,
    [sweepIds],
  );
  for (const r of rows) {
    const counts = out.get(r.sweep_id);
    if (counts !== undefined) counts[r.status] = Number(r.n);
  }
  return out;
}
