// Finished runs by cost and quality. Budget filters and ranking run in SQL over the Run summary columns (never the
// metric_point table), so a query over 10,000 runs reads 10,000 narrow rows at most.
import type { RunRecord } from '@shapesweep/analysis';
import type { ResultItem } from '@shapesweep/contract';
import type { Database } from '@shapesweep/db';
import { RUN_COLUMNS, runSummary, type RawRun, type RunSummary } from '../runs/store.js';

/** Which quality a query ranks by: the mean downstream score, upstream negative log-perplexity, or one task. */
export type Quality = { kind: 'downstream' } | { kind: 'upstream' } | { kind: 'task'; task: string; metric: string | null };

export type CostAxis = 'params' | 'flops' | 'wallSeconds';

/** Training FLOPs of a finished run: what it spent when recorded, else what the plan said it would. */
const FLOPS_SQL = 'COALESCE(r.train_flops_spent, r.planned_train_flops)';

export function costSql(axis: CostAxis): string {
  switch (axis) {
    case 'params': return 'r.params::float8';
    case 'flops': return FLOPS_SQL;
    case 'wallSeconds': return 'r.wall_seconds';
  }
}

/**
 * The metric a task is ranked by when the query names none: `accuracy` when any run recorded it for the task, else
 * the task's first metric by name. Chosen per task, not per run, so every run of a listing is ranked by the same
 * metric. Two index probes on downstream_score(task, metric, value).
 */
function taskMetricSql(taskParam: string, metricParam: string): string {
  return `COALESCE(${metricParam}::text,
            (SELECT 'accuracy'::text FROM downstream_score m WHERE m.task = ${taskParam} AND m.metric = 'accuracy' LIMIT 1),
            (SELECT min(m.metric) FROM downstream_score m WHERE m.task = ${taskParam}))`;
}

/**
 * The ranking metric of every task that has scores (taskMetricSql). The distinct tasks come from a loose index scan
 * (one descent per task), not a pass over every score.
 */
async function taskMetrics(db: Database): Promise<Map<string, string>> {
  const { rows } = await db.pool.query<{ task: string; metric: string }>(
    `WITH RECURSIVE tasks(task) AS (
       SELECT min(task) FROM downstream_score
       UNION ALL
       SELECT (SELECT min(d.task) FROM downstream_score d WHERE d.task > tasks.task) FROM tasks WHERE tasks.task IS NOT NULL)
     SELECT t.task, ${taskMetricSql('t.task', 'NULL')} AS metric FROM tasks t WHERE t.task IS NOT NULL`,
  );
  return new Map(rows.map((r) => [r.task, r.metric]));
}

/**
 * SQL for the quality value: an expression over `r` plus, for a task, a join on the task's scores in one metric
 * (taskMetricSql). A plain equality join lets Postgres hash the task's scores once; picking a metric per run with
 * DISTINCT ON sorted every score row first (~2× the cost on 10,000 runs).
 */
function qualitySql(quality: Quality, firstParam: number): { join: string; sql: string; params: unknown[] } {
  switch (quality.kind) {
    case 'downstream': return { join: '', sql: 'r.downstream_mean', params: [] };
    case 'upstream': return { join: '', sql: 'r.neg_log_perplexity', params: [] };
    case 'task':
      return {
        join: `JOIN downstream_score ts ON ts.run_id = r.id AND ts.task = $${firstParam}
                AND ts.metric = ${taskMetricSql(`$${firstParam}`, `$${firstParam + 1}`)}`,
        sql: 'ts.value',
        params: [quality.task, quality.metric],
      };
  }
}

export interface Scope {
  sweepId?: string;
  maxParams?: number;
  maxFlops?: number;
  maxWallSeconds?: number;
}

/** WHERE clause of finished runs within a scope; a run without a measured wall time is outside a wall-time cap. */
function scopeSql(scope: Scope, firstParam: number): { sql: string; params: unknown[] } {
  const p = firstParam;
  return {
    sql: `r.status = 'SUCCEEDED'
      AND ($${p}::text IS NULL OR r.sweep_id = $${p}::text)
      AND ($${p + 1}::float8 IS NULL OR r.params <= $${p + 1}::float8)
      AND ($${p + 2}::float8 IS NULL OR ${FLOPS_SQL} <= $${p + 2}::float8)
      AND ($${p + 3}::float8 IS NULL OR r.wall_seconds <= $${p + 3}::float8)`,
    params: [scope.sweepId ?? null, scope.maxParams ?? null, scope.maxFlops ?? null, scope.maxWallSeconds ?? null],
  };
}

export type ResultSort = 'score' | 'params' | 'flops' | 'wallSeconds';

/** A position in a result listing: the three sort keys and the id of the last row returned. */
export type ResultPosition = [number, number, number, string];

/**
 * Sort keys, all ascending so one row comparison implements keyset pagination:
 *  score       → (−value, flops, params, id)    best first; ties to the cheaper run (as analysis.rankRuns)
 *  params      → (params, −value, flops, id)
 *  flops       → (flops, −value, params, id)
 *  wallSeconds → (wall, −value, flops, id)
 */
function sortKeysSql(sort: ResultSort): [string, string, string] {
  switch (sort) {
    case 'score': return ['-q.value', 'q.flops', 'q.params_f'];
    case 'params': return ['q.params_f', '-q.value', 'q.flops'];
    case 'flops': return ['q.flops', '-q.value', 'q.params_f'];
    case 'wallSeconds': return ['q.wall_seconds', '-q.value', 'q.flops'];
  }
}

export async function queryResults(
  db: Database,
  options: { scope: Scope; quality: Quality; sort: ResultSort; after?: ResultPosition; limit: number },
): Promise<{ rows: ResultItem[]; positions: ResultPosition[] }> {
  const scope = scopeSql(options.scope, 1);
  const quality = qualitySql(options.quality, 5);
  const [k1, k2, k3] = sortKeysSql(options.sort);
  const p = 5 + quality.params.length;
  const after = options.after;
  // Rank on narrow rows first; only the page's rows are then read in full.
  const { rows } = await db.pool.query<RawRun & { value: number; flops: number; k1: number; k2: number; k3: number }>(
    `WITH q AS (
       SELECT r.id, r.params::float8 AS params_f, ${FLOPS_SQL} AS flops, r.wall_seconds, ${quality.sql} AS value
         FROM run r ${quality.join}
        WHERE ${scope.sql}
     ), page AS (
       SELECT q.id, q.value, q.flops, ${k1} AS k1, ${k2} AS k2, ${k3} AS k3 FROM q
        WHERE q.value IS NOT NULL AND q.value = q.value
          ${options.sort === 'wallSeconds' ? 'AND q.wall_seconds IS NOT NULL' : ''}
          AND ($${p}::float8 IS NULL OR (${k1}, ${k2}, ${k3}, q.id) > ($${p}::float8, $${p + 1}::float8, $${p + 2}::float8, $${p + 3}::text))
        ORDER BY ${k1}, ${k2}, ${k3}, q.id
        LIMIT $${p + 4}
     )
     SELECT ${RUN_COLUMNS}, page.value, page.flops, page.k1, page.k2, page.k3
       FROM page JOIN run r ON r.id = page.id
      ORDER BY page.k1, page.k2, page.k3, page.id`,
    [...scope.params, ...quality.params, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, after?.[3] ?? null, options.limit],
  );
  const scoreMap = await scoresFor(db, rows.map((r) => r.id));
  return {
    rows: rows.map((r) => ({ ...runSummary(r), value: r.value, flops: r.flops, scores: scoreMap.get(r.id) ?? {} })),
    positions: rows.map((r) => [r.k1, r.k2, r.k3, r.id]),
  };
}

export async function scoresFor(db: Database, runIds: readonly string[]): Promise<Map<string, Record<string, Record<string, number>>>> {
  const out = new Map<string, Record<string, Record<string, number>>>();
  if (runIds.length === 0) return out;
  const { rows } = await db.pool.query<{ run_id: string; task: string; metric: string; value: number }>(
    'SELECT run_id, task, metric, value FROM downstream_score WHERE run_id = ANY($1::text[])',
    [runIds],
  );
  for (const r of rows) {
    const byTask = out.get(r.run_id) ?? {};
    (byTask[r.task] ??= {})[r.metric] = r.value;
    out.set(r.run_id, byTask);
  }
  return out;
}

export interface AxisPoint {
  id: string;
  x: number;
  y: number;
}

/**
 * (cost, quality) of the finished runs in scope that can be on the Pareto frontier (low x, high y), plus how many
 * runs had a finite x and y. In (x ascending, y descending) order, a run whose y is below the best y of every run
 * before it is dominated (by that run: x no larger, y higher), and dropping dominated runs never changes a frontier
 * (whatever dominates a dropped run dominates what it dominated). So analysis.paretoFrontier over these rows returns
 * exactly what it returns over all of them, while Postgres sends tens of rows instead of every finished run. `>=`
 * keeps exact duplicates (which stay on the frontier together) and a few dominated equal-y runs that the exact pass in
 * Node removes. Non-finite values are excluded first, as paretoFrontier does (NaN sorts above every number in
 * Postgres and would otherwise hide the rest). The window's frame head is fixed, so Postgres accumulates it in O(n).
 */
export async function frontierCandidates(db: Database, scope: Scope, x: CostAxis, quality: Quality): Promise<{ points: AxisPoint[]; candidates: number }> {
  const where = scopeSql(scope, 1);
  const q = qualitySql(quality, 5);
  const { rows } = await db.pool.query<AxisPoint & { n: string }>(
    `SELECT id, x, y, n FROM (
       SELECT id, x, y, count(*) OVER () AS n,
              max(y) OVER (ORDER BY x, y DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best_before
         FROM (SELECT r.id, ${costSql(x)} AS x, ${q.sql} AS y FROM run r ${q.join} WHERE ${where.sql}) t
        WHERE x < 'Infinity' AND x > '-Infinity' AND y < 'Infinity' AND y > '-Infinity'
     ) w WHERE best_before IS NULL OR y >= best_before`,
    [...where.params, ...q.params],
  );
  return { points: rows.map((r) => ({ id: r.id, x: r.x, y: r.y })), candidates: rows.length === 0 ? 0 : Number(rows[0]!.n) };
}

/** (cost, quality) of every finished run in scope that has both. */
export async function axisPoints(db: Database, scope: Scope, x: CostAxis, quality: Quality): Promise<AxisPoint[]> {
  const where = scopeSql(scope, 1);
  const q = qualitySql(quality, 5);
  const { rows } = await db.pool.query<AxisPoint>(
    `SELECT id, x, y FROM (
       SELECT r.id, ${costSql(x)} AS x, ${q.sql} AS y FROM run r ${q.join} WHERE ${where.sql}
     ) t WHERE x IS NOT NULL AND y IS NOT NULL`,
    [...where.params, ...q.params],
  );
  return rows;
}

export async function runsByIds(db: Database, ids: readonly string[]): Promise<Map<string, RunSummary>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.pool.query<RawRun>(`SELECT ${RUN_COLUMNS} FROM run r WHERE r.id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.id, runSummary(r)]));
}

/**
 * The finished runs of a scope as analysis RunRecords. `scores` holds one value per task, in the task's ranking
 * metric (taskMetricSql: accuracy where recorded, else the task's first metric by name).
 */
export async function runRecords(db: Database, scope: Scope, updatedSince?: Date): Promise<RunRecord[]> {
  const scoped = scopeSql(scope, 1);
  const where = updatedSince === undefined
    ? scoped
    : { sql: `${scoped.sql} AND r.updated_at >= $${scoped.params.length + 1}::timestamptz`, params: [...scoped.params, updatedSince] };
  const [runs, scoreRows, metrics] = await Promise.all([
    db.pool.query<{ id: string; name: string; family: string; reference_name: string | null; params: number; flops: number; wall_seconds: number | null; neg_log_perplexity: number | null; downstream_mean: number | null; tokens_per_second: number | null }>(
      `SELECT r.id, r.name, r.family, r.reference_name, r.params::float8 AS params, ${FLOPS_SQL} AS flops, r.wall_seconds,
              r.neg_log_perplexity, r.downstream_mean, r.tokens_per_second
         FROM run r WHERE ${where.sql} ORDER BY r.id`,
      where.params,
    ),
    // Every score of the scope (a hash join, no sort) plus each task's ranking metric; Node keeps one per task.
    db.pool.query<{ run_id: string; task: string; metric: string; value: number }>(
      `SELECT d.run_id, d.task, d.metric, d.value FROM downstream_score d JOIN run r ON r.id = d.run_id WHERE ${where.sql}`,
      where.params,
    ),
    taskMetrics(db),
  ]);
  const scores = new Map<string, Record<string, number>>();
  for (const s of scoreRows.rows) {
    if (metrics.get(s.task) !== s.metric) continue;
    const byTask = scores.get(s.run_id) ?? {};
    byTask[s.task] = s.value;
    scores.set(s.run_id, byTask);
  }
  return runs.rows.map((r) => ({
    id: r.id,
    name: r.name,
    family: r.family,
    referenceName: r.reference_name,
    params: r.params,
    flops: r.flops,
    wallSeconds: r.wall_seconds,
    negLogPerplexity: r.neg_log_perplexity,
    downstreamMean: r.downstream_mean,
    scores: scores.get(r.id) ?? {},
    tokensPerSecond: r.tokens_per_second,
  }));
}

/** What identifies the finished runs of a scope right now: how many, and the last time one of them changed. */
interface DataVersion {
  count: number;
  /** max(updated_at) of the finished runs; null when there are none. */
  latest: Date | null;
  /** count and latest in one string: the cache key of fits and reports. */
  key: string;
}

/** Changes whenever a run of the scope finishes or is updated. */
export async function dataVersion(db: Database, sweepId: string | null): Promise<DataVersion> {
  const { rows } = await db.pool.query<{ n: string; t: Date | null }>(
    `SELECT count(*) AS n, max(updated_at) AS t FROM run WHERE status = 'SUCCEEDED' AND ($1::text IS NULL OR sweep_id = $1)`,
    [sweepId],
  );
  const count = Number(rows[0]?.n ?? 0);
  const latest = rows[0]?.t ?? null;
  return { count, latest, key: `${count}:${latest?.getTime() ?? 0}` };
}

/**
 * How far back a refresh looks before the newest change it has seen. updated_at is the writer's transaction start,
 * so a transaction that commits later can carry an older timestamp; the window covers such stragglers (a run's
 * success transaction takes milliseconds), and the count check in FinishedRunsCache catches anything beyond it.
 */
const REFRESH_OVERLAP_MS = 5_000;

/**
 * The finished runs of each sweep as RunRecords, kept between requests and refreshed by what changed: a run enters
 * SUCCEEDED once with all its values (the worker writes them in one transaction), so a newer version needs only the
 * runs updated since the last read (plus an overlap window), merged by id. When the merged set does not have exactly
 * as many runs as the database counts (a run left SUCCEEDED, a sweep was re-seeded, a straggler beyond the window),
 * the sweep is read in full instead. A report after one more run finished then costs one small query, not a pass
 * over every run and score of the sweep.
 */
export class FinishedRunsCache {
  private readonly entries = new Map<string, { versionKey: string; latest: Date | null; records: Map<string, RunRecord> }>();
  /** Full reads and incremental refreshes served, for tests and logs. */
  readonly stats = { full: 0, incremental: 0, hits: 0 };

  constructor(private readonly capacity = 32) {}

  async get(db: Database, sweepId: string, version: DataVersion): Promise<RunRecord[]> {
    const entry = this.entries.get(sweepId);
    if (entry?.versionKey === version.key) {
      this.stats.hits += 1;
      return [...entry.records.values()];
    }
    let ordered: Map<string, RunRecord> | null = null;
    if (entry !== undefined && entry.latest !== null) {
      const since = new Date(entry.latest.getTime() - REFRESH_OVERLAP_MS);
      const merged = new Map(entry.records);
      for (const r of await runRecords(db, { sweepId }, since)) merged.set(r.id, r);
      if (merged.size === version.count) {
        // Kept in id order, as a full read returns them, so a report does not depend on how its records were
        // gathered; only new ids (appended by the merge) need a sort.
        ordered = merged.size === entry.records.size ? merged : new Map([...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        this.stats.incremental += 1;
      }
    }
    if (ordered === null) {
      ordered = new Map([...(await runRecords(db, { sweepId }))].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((r) => [r.id, r]));
      this.stats.full += 1;
    }
    this.entries.delete(sweepId);
    this.entries.set(sweepId, { versionKey: version.key, latest: version.latest, records: ordered });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return [...ordered.values()];
  }
}
