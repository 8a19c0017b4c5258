// sweep and run rows of the submit / cancel / retry paths. The hot path (a 10,000-cell submit) writes every run with
// one multi-row INSERT ... SELECT FROM unnest(...) inside one transaction: one round trip, whatever the cell count.
// Its runs are written QUEUED and the sweep unconfirmed (enqueued_at NULL); once addBulk is done one statement
// confirms the sweep and hands the runs it could not add back to PENDING (confirmEnqueued).
import type { Database } from '@shapesweep/db';
import type { PlannedRun, SweepPlan } from './plan-types.js';

export interface SweepRow {
  id: string;
  name: string;
  spec: unknown;
  status: string;
  priority: number;
  cellCount: number;
  idempotencyKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const SWEEP_COLUMNS = `id, name, spec, status::text AS status, priority, cell_count, idempotency_key, created_at, updated_at`;

type RawSweep = { id: string; name: string; spec: unknown; status: string; priority: number; cell_count: number; idempotency_key: string | null; created_at: Date; updated_at: Date };

function sweepRow(r: RawSweep): SweepRow {
  return {
    id: r.id, name: r.name, spec: r.spec, status: r.status, priority: r.priority, cellCount: r.cell_count,
    idempotencyKey: r.idempotency_key, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export async function findSweep(db: Database, id: string): Promise<SweepRow | null> {
  const { rows } = await db.pool.query<RawSweep>(`SELECT ${SWEEP_COLUMNS} FROM sweep WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : sweepRow(rows[0]);
}

export async function findSweepByIdempotencyKey(db: Database, key: string): Promise<SweepRow | null> {
  const { rows } = await db.pool.query<RawSweep>(`SELECT ${SWEEP_COLUMNS} FROM sweep WHERE idempotency_key = $1`, [key]);
  return rows[0] === undefined ? null : sweepRow(rows[0]);
}

/**
 * Writes the sweep (unconfirmed: enqueued_at NULL) and all its runs (status QUEUED) in one transaction. Returns
 * false, writing nothing, when a sweep with the same id or idempotency key already exists (a concurrent identical
 * submission won the race).
 */
export async function insertSweep(db: Database, plan: SweepPlan, idempotencyKey: string | null, tokenId: string | null): Promise<boolean> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      `INSERT INTO sweep (id, name, spec, status, priority, cell_count, idempotency_key, created_by_token, updated_at)
       VALUES ($1, $2, $3, 'ACTIVE', $4, $5, $6, $7, now())
       ON CONFLICT DO NOTHING`,
      [plan.sweepId, plan.name, JSON.stringify(plan.spec), plan.priority, plan.runs.length, idempotencyKey, tokenId],
    );
    if (inserted.rowCount !== 1) {
      await client.query('ROLLBACK');
      return false;
    }
    await insertQueuedRuns(client, plan);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

type Queryable = Pick<Database['pool'], 'query'>;

/**
 * Column arrays for unnest: Postgres receives each column as one array parameter. The training config and step
 * count every cell shares travel once, as scalars, instead of 10,000 copies (~600 bytes each).
 */
async function insertQueuedRuns(client: Queryable, plan: SweepPlan): Promise<void> {
  const col = <T>(pick: (r: PlannedRun) => T): T[] => plan.runs.map(pick);
  await client.query(
    `INSERT INTO run (id, sweep_id, cell_key, name, family, reference_name, width_scale, el, dl, dm, ff, nh, kv, vocab,
                      params, embedding_params, non_embedding_params, flops_per_example, planned_train_flops, hparams,
                      seed, total_steps, status, enqueued_at, updated_at)
     SELECT u.id, $1, u.cell_key, u.name, u.family, u.reference_name, u.width_scale, u.el, u.dl, u.dm, u.ff, u.nh, u.kv,
            u.vocab, u.params, u.embedding_params, u.non_embedding_params, u.flops_per_example, u.planned_train_flops,
            $20::jsonb, u.seed, $22::int, 'QUEUED', now(), now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::int[], $9::int[],
                   $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::bigint[], $16::bigint[], $17::bigint[],
                   $18::float8[], $19::float8[], $21::int[])
         AS u(id, cell_key, name, family, reference_name, width_scale, el, dl, dm, ff, nh, kv, vocab, params,
              embedding_params, non_embedding_params, flops_per_example, planned_train_flops, seed)`,
    [
      plan.sweepId,
      col((r) => r.id), col((r) => r.cellKey), col((r) => r.name), col((r) => r.family), col((r) => r.referenceName),
      col((r) => r.widthScale), col((r) => r.shape.el), col((r) => r.shape.dl), col((r) => r.shape.dm),
      col((r) => r.shape.ff), col((r) => r.shape.nh), col((r) => r.shape.kv), col((r) => r.shape.vocab),
      // bigint columns travel as decimal strings: exact for any integer a double holds.
      col((r) => BigInt(Math.round(r.params)).toString()), col((r) => BigInt(Math.round(r.embeddingParams)).toString()),
      col((r) => BigInt(Math.round(r.nonEmbeddingParams)).toString()),
      col((r) => r.flopsPerExample), col((r) => r.plannedTrainFlops), JSON.stringify(plan.training),
      col((r) => r.seed), plan.totalSteps,
    ],
  );
}

/** What a job payload needs, for the runs of a sweep in the given statuses. */
export interface EnqueueRow {
  id: string;
  name: string;
  el: number; dl: number; dm: number; ff: number; nh: number; kv: number; vocab: number;
  hparams: unknown;
  seed: number;
}

/**
 * The runs of a sweep whose job may be missing: its PENDING runs, and also its QUEUED ones while the sweep's submit
 * has not confirmed its enqueue. One statement; `confirmed` says which case it was.
 */
export async function runsToEnqueue(db: Database, sweepId: string): Promise<{ confirmed: boolean; rows: EnqueueRow[] }> {
  // LEFT JOIN: the sweep's row comes back (with NULL run columns) even when no run needs enqueueing.
  const { rows } = await db.pool.query<Omit<EnqueueRow, 'id'> & { id: string | null; confirmed: boolean }>(
    `WITH s AS (SELECT enqueued_at IS NOT NULL AS confirmed FROM sweep WHERE id = $1)
     SELECT s.confirmed, r.id, r.name, r.el, r.dl, r.dm, r.ff, r.nh, r.kv, r.vocab, r.hparams, r.seed
       FROM s LEFT JOIN run r
         ON r.sweep_id = $1 AND (r.status = 'PENDING' OR (r.status = 'QUEUED' AND NOT s.confirmed))
      ORDER BY r.id`,
    [sweepId],
  );
  const runs: EnqueueRow[] = [];
  for (const { confirmed: _confirmed, id, ...row } of rows) if (id !== null) runs.push({ id, ...row });
  return { confirmed: rows[0]?.confirmed ?? true, rows: runs };
}

/** PENDING → QUEUED for runs now on the queue, with one run.queued event each. Returns how many moved. */
export async function markQueued(db: Database, sweepId: string, ids: readonly string[]): Promise<number> {
  const { rowCount } = await db.pool.query(
    `WITH q AS (
       UPDATE run SET status = 'QUEUED', enqueued_at = now(), updated_at = now()
        WHERE sweep_id = $1 AND id = ANY($2::text[]) AND status = 'PENDING'
       RETURNING id, sweep_id, name)
     INSERT INTO run_event (sweep_id, run_id, type, data)
     SELECT sweep_id, id, 'run.queued', jsonb_build_object('runId', id, 'name', name) FROM q`,
    [sweepId, ids],
  );
  return rowCount ?? 0;
}

/**
 * The end of a submit's enqueue: the runs whose job could not be added go back to PENDING (for the re-enqueuer), the
 * sweep is confirmed (enqueued_at), and one sweep.queued event says how many of each. One statement, so a crash
 * leaves either all of it or none (then the sweep stays unconfirmed and the re-enqueuer redoes the enqueue).
 */
export async function confirmEnqueued(db: Database, sweepId: string, queued: number, notAdded: readonly string[]): Promise<void> {
  await db.pool.query(
    `WITH back AS (
       UPDATE run SET status = 'PENDING', enqueued_at = NULL, updated_at = now()
        WHERE sweep_id = $1 AND id = ANY($2::text[]) AND status = 'QUEUED'
       RETURNING id),
     confirmed AS (
       UPDATE sweep SET enqueued_at = now(), updated_at = now() WHERE id = $1 AND enqueued_at IS NULL RETURNING id)
     INSERT INTO run_event (sweep_id, run_id, type, data)
     SELECT id, NULL, 'sweep.queued', jsonb_build_object('queued', $3::int, 'pending', (SELECT count(*) FROM back)) FROM confirmed`,
    [sweepId, notAdded, queued],
  );
}

/**
 * The re-enqueuer's work list: active sweeps with PENDING runs older than `olderThanMs`, and active sweeps whose
 * submit never confirmed its enqueue within `olderThanMs` (it died between the insert and the end of addBulk).
 */
export async function sweepsToEnqueue(db: Database, olderThanMs: number, limit: number): Promise<Array<{ id: string; priority: number }>> {
  const { rows } = await db.pool.query<{ id: string; priority: number }>(
    `SELECT s.id, s.priority FROM sweep s
      WHERE s.status = 'ACTIVE'
        AND ((s.enqueued_at IS NULL AND s.created_at < now() - make_interval(secs => $1::double precision / 1000))
             OR EXISTS (SELECT 1 FROM run r WHERE r.sweep_id = s.id AND r.status = 'PENDING'
                          AND r.created_at < now() - make_interval(secs => $1::double precision / 1000)))
      ORDER BY s.created_at
      LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows;
}

export async function runIdsByStatus(db: Database, sweepId: string, statuses: readonly string[]): Promise<Array<{ id: string; status: string }>> {
  const { rows } = await db.pool.query<{ id: string; status: string }>(
    `SELECT id, status::text AS status FROM run WHERE sweep_id = $1 AND status = ANY($2::run_status[]) ORDER BY id`,
    [sweepId, statuses],
  );
  return rows;
}

/** Runs that never reached a worker become CANCELLED, with a run.cancelled event. Returns how many. */
export async function markCancelled(db: Database, sweepId: string, ids: readonly string[], reason: string): Promise<number> {
  const { rowCount } = await db.pool.query(
    `WITH c AS (
       UPDATE run SET status = 'CANCELLED', finished_at = now(), updated_at = now()
        WHERE sweep_id = $1 AND id = ANY($2::text[]) AND status IN ('PENDING', 'QUEUED')
       RETURNING id, sweep_id, name)
     INSERT INTO run_event (sweep_id, run_id, type, data)
     SELECT sweep_id, id, 'run.cancelled', jsonb_build_object('runId', id, 'name', name, 'reason', $3::text) FROM c`,
    [sweepId, ids, reason],
  );
  return rowCount ?? 0;
}

export async function writeEvents(db: Database, sweepId: string, type: string, runIds: readonly string[], data: Record<string, unknown>): Promise<void> {
  if (runIds.length === 0) return;
  await db.pool.query(
    `INSERT INTO run_event (sweep_id, run_id, type, data)
     SELECT $1, id, $2, $3::jsonb || jsonb_build_object('runId', id) FROM unnest($4::text[]) AS u(id)`,
    [sweepId, type, JSON.stringify(data), runIds],
  );
}

export async function setSweepStatus(db: Database, sweepId: string, status: 'ACTIVE' | 'COMPLETED' | 'CANCELLED', onlyFrom?: readonly string[]): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `UPDATE sweep SET status = $2::sweep_status, updated_at = now()
      WHERE id = $1 AND ($3::sweep_status[] IS NULL OR status = ANY($3::sweep_status[]))`,
    [sweepId, status, onlyFrom ?? null],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Runs that retry hands back to PENDING: FAILED and CANCELLED ones whose job was removed, with error and finish
 * time cleared (step and checkpoints stay: the worker resumes from the last checkpoint).
 */
export async function resetToPending(db: Database, sweepId: string, ids: readonly string[]): Promise<number> {
  const { rowCount } = await db.pool.query(
    `WITH p AS (
       UPDATE run SET status = 'PENDING', error = NULL, error_code = NULL, finished_at = NULL, updated_at = now()
        WHERE sweep_id = $1 AND id = ANY($2::text[]) AND status IN ('FAILED', 'CANCELLED', 'QUEUED')
       RETURNING id, sweep_id, name)
     INSERT INTO run_event (sweep_id, run_id, type, data)
     SELECT sweep_id, id, 'run.retry_requested', jsonb_build_object('runId', id, 'name', name) FROM p`,
    [sweepId, ids],
  );
  return rowCount ?? 0;
}
