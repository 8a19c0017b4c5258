// run_event reads for the SSE stream, and the event rows the API itself writes (sweep.queued, run.queued, run.cancel_requested,
// run.cancelled for runs that never reached a worker).
import type { Database } from '@shapesweep/db';

export interface EventRow {
  /** The SSE id: a bigint as a decimal string (JavaScript numbers would lose digits past 2^53). */
  id: string;
  runId: string | null;
  type: string;
  data: unknown;
  createdAt: Date;
}

/**
 * Events of a sweep after `afterId`, oldest first, that are safe to hand out.
 *
 * Ids come from a sequence at INSERT time but become visible at COMMIT time, so a transaction that started
 * earlier can commit a smaller id after a larger one was already read; a reader that then moves its cursor past the
 * larger id would never see the smaller one. The `age(xmin)` test keeps back every row written by a transaction
 * that is not older than the oldest one still running (`pg_snapshot_xmin`): such rows wait one more poll, and no
 * committed row can ever appear behind the cursor. `age()` works modulo 2^32, so transaction id wraparound is safe.
 * An unrelated long transaction (a bulk seed, an idle session) would hold every stream back, so a row older than
 * `settleMs` is handed out anyway: only a writer that keeps its event uncommitted for longer could still be missed.
 */
export async function eventsAfter(db: Database, sweepId: string, afterId: bigint, limit: number, settleMs = 2_000): Promise<EventRow[]> {
  const { rows } = await db.pool.query<{ id: string; run_id: string | null; type: string; data: unknown; created_at: Date; settled: boolean }>(
    `SELECT e.id::text AS id, e.run_id, e.type, e.data, e.created_at,
            (age(e.xmin) > age((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text::xid)
             OR e.created_at < clock_timestamp() - make_interval(secs => $4::double precision / 1000)) AS settled
       FROM run_event e
      WHERE e.sweep_id = $1 AND e.id > $2::bigint
      ORDER BY e.id
      LIMIT $3`,
    [sweepId, afterId.toString(), limit, settleMs],
  );
  const firstUnsettled = rows.findIndex((r) => !r.settled);
  return (firstUnsettled < 0 ? rows : rows.slice(0, firstUnsettled)).map((r) => ({ id: r.id, runId: r.run_id, type: r.type, data: r.data, createdAt: r.created_at }));
}

/** The newest event id of a sweep (0 when none): where a stream that asks for "only new events" starts. */
export async function lastEventId(db: Database, sweepId: string): Promise<bigint> {
  const { rows } = await db.pool.query<{ id: string | null }>('SELECT max(id)::text AS id FROM run_event WHERE sweep_id = $1', [sweepId]);
  return BigInt(rows[0]?.id ?? '0');
}
