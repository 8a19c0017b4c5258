// Run reads: one run in full, a sweep's runs page by page, and the pieces a run page shows (latest value of every
// curve, checkpoints, downstream scores).
import type { RunSummary } from '@shapesweep/contract';
import type { Database } from '@shapesweep/db';

export type { RunSummary };

export const RUN_COLUMNS = `r.id, r.sweep_id, r.cell_key, r.name, r.family, r.reference_name, r.width_scale, r.el, r.dl, r.dm, r.ff,
  r.nh, r.kv, r.vocab, r.params::float8 AS params, r.embedding_params::float8 AS embedding_params,
  r.non_embedding_params::float8 AS non_embedding_params, r.flops_per_example, r.planned_train_flops, r.train_flops_spent,
  r.wall_seconds, r.seed, r.status::text AS status, r.attempts, r.worker_id, r.backend, r.device, r.phase, r.step,
  r.total_steps, r.tokens_seen::float8 AS tokens_seen, r.tokens_per_second, r.eval_loss, r.neg_log_perplexity,
  r.downstream_mean, r.error_code, r.error, r.created_at, r.enqueued_at, r.started_at, r.finished_at`;

export interface RawRun {
  id: string; sweep_id: string; cell_key: string; name: string; family: string; reference_name: string | null;
  width_scale: number; el: number; dl: number; dm: number; ff: number; nh: number; kv: number; vocab: number;
  params: number; embedding_params: number; non_embedding_params: number; flops_per_example: number;
  planned_train_flops: number; train_flops_spent: number | null; wall_seconds: number | null; seed: number;
  status: string; attempts: number; worker_id: string | null; backend: string | null; device: string | null;
  phase: string | null; step: number; total_steps: number; tokens_seen: number; tokens_per_second: number | null;
  eval_loss: number | null; neg_log_perplexity: number | null; downstream_mean: number | null;
  error_code: string | null; error: string | null; created_at: Date; enqueued_at: Date | null; started_at: Date | null;
  finished_at: Date | null;
}

export function runSummary(r: RawRun): RunSummary {
  return {
    id: r.id,
    sweepId: r.sweep_id,
    cellKey: r.cell_key,
    name: r.name,
    family: r.family,
    referenceName: r.reference_name,
    widthScale: r.width_scale,
    shape: { el: r.el, dl: r.dl, dm: r.dm, ff: r.ff, nh: r.nh, kv: r.kv, vocab: r.vocab },
    cost: {
      params: r.params,
      embeddingParams: r.embedding_params,
      nonEmbeddingParams: r.non_embedding_params,
      flopsPerExample: r.flops_per_example,
      plannedTrainFlops: r.planned_train_flops,
      trainFlopsSpent: r.train_flops_spent,
      wallSeconds: r.wall_seconds,
    },
    seed: r.seed,
    status: r.status,
    attempts: r.attempts,
    workerId: r.worker_id,
    backend: r.backend,
    device: r.device,
    progress: { phase: r.phase, step: r.step, totalSteps: r.total_steps, tokensSeen: r.tokens_seen, tokensPerSecond: r.tokens_per_second },
    quality: { evalLoss: r.eval_loss, negLogPerplexity: r.neg_log_perplexity, downstreamMean: r.downstream_mean },
    error: r.error === null && r.error_code === null ? null : { code: r.error_code, message: r.error ?? '' },
    createdAt: r.created_at.toISOString(),
    enqueuedAt: r.enqueued_at?.toISOString() ?? null,
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

export async function findRun(db: Database, id: string): Promise<RunSummary | null> {
  const { rows } = await db.pool.query<RawRun>(`SELECT ${RUN_COLUMNS} FROM run r WHERE r.id = $1`, [id]);
  return rows[0] === undefined ? null : runSummary(rows[0]);
}

/** Whether a run with this id exists (an index probe; no row is read). */
export async function runExists(db: Database, id: string): Promise<boolean> {
  const { rows } = await db.pool.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM run WHERE id = $1) AS found', [id]);
  return rows[0]?.found === true;
}

export async function listRuns(db: Database, sweepId: string, options: { status?: string; afterId?: string; limit: number }): Promise<RunSummary[]> {
  const { rows } = await db.pool.query<RawRun>(
    `SELECT ${RUN_COLUMNS} FROM run r
      WHERE r.sweep_id = $1 AND ($2::run_status IS NULL OR r.status = $2::run_status) AND ($3::text IS NULL OR r.id > $3::text)
      ORDER BY r.id LIMIT $4`,
    [sweepId, options.status ?? null, options.afterId ?? null, options.limit],
  );
  return rows.map(runSummary);
}

export interface LatestMetric {
  phase: string;
  name: string;
  step: number;
  value: number;
  wallTime: string;
}

/** The last point of every curve of a run: one index descent into metric_value (series_id, step) per series. */
export async function latestMetrics(db: Database, runId: string): Promise<LatestMetric[]> {
  const { rows } = await db.pool.query<{ phase: string; name: string; step: number; value: number; wall_time: Date }>(
    `SELECT s.phase, s.name, l.step, l.value, l.wall_time
       FROM metric_series s, LATERAL (
         SELECT step, value, wall_time FROM metric_value v WHERE v.series_id = s.id ORDER BY v.step DESC LIMIT 1) l
      WHERE s.run_id = $1
      ORDER BY s.phase, s.name`,
    [runId],
  );
  return rows.map((r) => ({ phase: r.phase, name: r.name, step: r.step, value: r.value, wallTime: r.wall_time.toISOString() }));
}

export interface CheckpointView {
  id: string;
  phase: string;
  step: number;
  uri: string;
  bytes: number;
  createdAt: string;
}

export async function checkpoints(db: Database, runId: string, limit: number): Promise<CheckpointView[]> {
  const { rows } = await db.pool.query<{ id: string; phase: string; step: number; uri: string; bytes: number; created_at: Date }>(
    `SELECT id, phase, step, uri, bytes::float8 AS bytes, created_at FROM checkpoint WHERE run_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [runId, limit],
  );
  return rows.map((r) => ({ id: r.id, phase: r.phase, step: r.step, uri: r.uri, bytes: r.bytes, createdAt: r.created_at.toISOString() }));
}

export interface ScoreView {
  task: string;
  metric: string;
  value: number;
  step: number;
}

export async function scores(db: Database, runId: string): Promise<ScoreView[]> {
  const { rows } = await db.pool.query<ScoreView>(
    'SELECT task, metric, value, step FROM downstream_score WHERE run_id = $1 ORDER BY task, metric',
    [runId],
  );
  return rows;
}
