// Numbers behind GET /metrics. Each is one cheap query: none scans metric_point (10M+ rows).
import type { Database } from '@shapesweep/db';

export async function runsPerStatus(db: Database): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ status: string; n: string }>('SELECT status::text AS status, count(*) AS n FROM run GROUP BY status');
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/**
 * Metric points inserted into metric_value since the statistics were last reset: Postgres's own counter of
 * inserted tuples (COPY included), so it costs nothing however large the table is. Postgres publishes it with
 * up to about a second of delay. A re-delivered point that was skipped as a duplicate is not counted.
 */
export async function metricPointsIngested(db: Database): Promise<number> {
  const { rows } = await db.pool.query<{ n: string | null }>(
    `SELECT n_tup_ins AS n FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'metric_value'`,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function sweepsPerStatus(db: Database): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ status: string; n: string }>('SELECT status::text AS status, count(*) AS n FROM sweep GROUP BY status');
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
