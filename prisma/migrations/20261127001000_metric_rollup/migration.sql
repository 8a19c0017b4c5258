-- Curve rollups: per metric series, one row per block of 256 consecutive steps (block = step >> 8) with the block's
-- point count and its lowest and highest point. A downsampled curve over a million points then reads ~4,000 rollup
-- rows instead of aggregating a million raw ones, and the extremes it returns are still the exact ones: the global
-- minimum (maximum) of a curve is the minimum (maximum) of its block.
--
-- Maintained by statement-level triggers on metric_value, so every write path (MetricIngest's COPY, its staging
-- INSERT … ON CONFLICT DO NOTHING, the unnest variant, Prisma) keeps it exact and atomic with the points: the
-- transition table holds exactly the rows a statement inserted (re-delivered points skipped by ON CONFLICT are not
-- in it, so counts never double). Ties follow the raw aggregation's rule: the smaller step for a minimum, the larger
-- for a maximum; NaN sorts above every number, as in Postgres' float8 ordering.

-- CreateTable
CREATE TABLE "metric_rollup" (
    "series_id" INTEGER NOT NULL,
    "block" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "min_step" INTEGER NOT NULL,
    "min_value" DOUBLE PRECISION NOT NULL,
    "max_step" INTEGER NOT NULL,
    "max_value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metric_rollup_pkey" PRIMARY KEY ("series_id","block")
);

-- Not modelled by Prisma ---------------------------------------------------------------------------------------

-- Merge a statement's new points into their blocks. Sorted by key so that two concurrent writers lock rollup rows in
-- the same order (no deadlock).
CREATE FUNCTION "metric_value_rollup_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($sql$
        INSERT INTO %1$I.metric_rollup AS r (series_id, block, points, min_step, min_value, max_step, max_value)
        SELECT series_id, step >> 8, count(*)::int,
               (min(ARRAY[value, step::float8]))[2]::int, min(value),
               (max(ARRAY[value, step::float8]))[2]::int, max(value)
          FROM new_points
         GROUP BY series_id, step >> 8
         ORDER BY 1, 2
        ON CONFLICT (series_id, block) DO UPDATE SET
            points = r.points + excluded.points,
            min_step = CASE WHEN (excluded.min_value, excluded.min_step) < (r.min_value, r.min_step) THEN excluded.min_step ELSE r.min_step END,
            min_value = CASE WHEN (excluded.min_value, excluded.min_step) < (r.min_value, r.min_step) THEN excluded.min_value ELSE r.min_value END,
            max_step = CASE WHEN (excluded.max_value, excluded.max_step) > (r.max_value, r.max_step) THEN excluded.max_step ELSE r.max_step END,
            max_value = CASE WHEN (excluded.max_value, excluded.max_step) > (r.max_value, r.max_step) THEN excluded.max_value ELSE r.max_value END
    $sql$, TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;

-- Points are never updated or deleted one by one in normal operation (ingest is insert-only; deleting a series or
-- run deletes all its points). When it happens anyway, the touched blocks are recomputed from what remains.
CREATE FUNCTION "metric_value_rollup_recompute"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched text := CASE WHEN TG_OP = 'UPDATE'
        THEN 'SELECT series_id, step >> 8 AS block FROM old_points UNION SELECT series_id, step >> 8 FROM new_points'
        ELSE 'SELECT DISTINCT series_id, step >> 8 AS block FROM old_points' END;
BEGIN
    EXECUTE format($sql$
        DELETE FROM %1$I.metric_rollup r USING (%2$s) t WHERE r.series_id = t.series_id AND r.block = t.block
    $sql$, TG_TABLE_SCHEMA, touched);
    EXECUTE format($sql$
        INSERT INTO %1$I.metric_rollup (series_id, block, points, min_step, min_value, max_step, max_value)
        SELECT v.series_id, v.step >> 8, count(*)::int,
               (min(ARRAY[v.value, v.step::float8]))[2]::int, min(v.value),
               (max(ARRAY[v.value, v.step::float8]))[2]::int, max(v.value)
          FROM (%2$s) t JOIN %1$I.metric_value v
            ON v.series_id = t.series_id AND v.step >= t.block * 256 AND v.step < t.block * 256 + 256
         GROUP BY v.series_id, v.step >> 8
    $sql$, TG_TABLE_SCHEMA, touched);
    RETURN NULL;
END
$$;

CREATE TRIGGER "metric_value_rollup_insert"
    AFTER INSERT ON "metric_value"
    REFERENCING NEW TABLE AS new_points
    FOR EACH STATEMENT EXECUTE FUNCTION "metric_value_rollup_insert"();

CREATE TRIGGER "metric_value_rollup_delete"
    AFTER DELETE ON "metric_value"
    REFERENCING OLD TABLE AS old_points
    FOR EACH STATEMENT EXECUTE FUNCTION "metric_value_rollup_recompute"();

CREATE TRIGGER "metric_value_rollup_update"
    AFTER UPDATE ON "metric_value"
    REFERENCING OLD TABLE AS old_points NEW TABLE AS new_points
    FOR EACH STATEMENT EXECUTE FUNCTION "metric_value_rollup_recompute"();

-- Points written before this migration.
INSERT INTO "metric_rollup" (series_id, block, points, min_step, min_value, max_step, max_value)
SELECT series_id, step >> 8, count(*)::int,
       (min(ARRAY[value, step::float8]))[2]::int, min(value),
       (max(ARRAY[value, step::float8]))[2]::int, max(value)
  FROM "metric_value"
 GROUP BY series_id, step >> 8;
