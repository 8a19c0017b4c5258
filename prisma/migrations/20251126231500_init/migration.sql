-- CreateEnum
CREATE TYPE "sweep_status" AS ENUM ('ACTIVE', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "run_status" AS ENUM ('PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "worker_status" AS ENUM ('ONLINE', 'STOPPED', 'LOST');

-- CreateTable
CREATE TABLE "sweep" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "status" "sweep_status" NOT NULL DEFAULT 'ACTIVE',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "cell_count" INTEGER NOT NULL,
    "idempotency_key" TEXT,
    "created_by_token" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run" (
    "id" TEXT NOT NULL,
    "sweep_id" TEXT NOT NULL,
    "cell_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "family" TEXT NOT NULL,
    "reference_name" TEXT,
    "width_scale" DOUBLE PRECISION NOT NULL,
    "el" INTEGER NOT NULL,
    "dl" INTEGER NOT NULL,
    "dm" INTEGER NOT NULL,
    "ff" INTEGER NOT NULL,
    "nh" INTEGER NOT NULL,
    "kv" INTEGER NOT NULL,
    "vocab" INTEGER NOT NULL,
    "params" BIGINT NOT NULL,
    "embedding_params" BIGINT NOT NULL,
    "non_embedding_params" BIGINT NOT NULL,
    "flops_per_example" DOUBLE PRECISION NOT NULL,
    "planned_train_flops" DOUBLE PRECISION NOT NULL,
    "hparams" JSONB NOT NULL,
    "seed" INTEGER NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "worker_id" TEXT,
    "backend" TEXT,
    "device" TEXT,
    "step" INTEGER NOT NULL DEFAULT 0,
    "total_steps" INTEGER NOT NULL,
    "phase" TEXT,
    "tokens_seen" BIGINT NOT NULL DEFAULT 0,
    "tokens_per_second" DOUBLE PRECISION,
    "wall_seconds" DOUBLE PRECISION,
    "train_flops_spent" DOUBLE PRECISION,
    "eval_loss" DOUBLE PRECISION,
    "neg_log_perplexity" DOUBLE PRECISION,
    "downstream_mean" DOUBLE PRECISION,
    "error_code" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "enqueued_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_series" (
    "id" SERIAL NOT NULL,
    "run_id" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "metric_series_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_value" (
    "series_id" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "wall_time" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "metric_value_pkey" PRIMARY KEY ("series_id","step")
);

-- CreateTable
CREATE TABLE "downstream_score" (
    "run_id" TEXT NOT NULL,
    "task" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "step" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "downstream_score_pkey" PRIMARY KEY ("run_id","task","metric")
);

-- CreateTable
CREATE TABLE "checkpoint" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "uri" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "worker" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "backend" TEXT NOT NULL,
    "devices" TEXT[],
    "slots" INTEGER NOT NULL,
    "status" "worker_status" NOT NULL DEFAULT 'ONLINE',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "worker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_event" (
    "id" BIGSERIAL NOT NULL,
    "sweep_id" TEXT NOT NULL,
    "run_id" TEXT,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sweep_idempotency_key_key" ON "sweep"("idempotency_key");

-- CreateIndex
CREATE INDEX "sweep_created_at_idx" ON "sweep"("created_at");

-- CreateIndex
CREATE INDEX "run_sweep_id_status_idx" ON "run"("sweep_id", "status");

-- CreateIndex
CREATE INDEX "run_status_idx" ON "run"("status");

-- CreateIndex
CREATE INDEX "run_status_params_idx" ON "run"("status", "params");

-- CreateIndex
CREATE INDEX "run_status_planned_train_flops_idx" ON "run"("status", "planned_train_flops");

-- CreateIndex
CREATE INDEX "run_status_downstream_mean_idx" ON "run"("status", "downstream_mean");

-- CreateIndex
CREATE INDEX "run_worker_id_idx" ON "run"("worker_id");

-- CreateIndex
CREATE UNIQUE INDEX "run_sweep_id_cell_key_key" ON "run"("sweep_id", "cell_key");

-- CreateIndex
CREATE UNIQUE INDEX "metric_series_run_id_phase_name_key" ON "metric_series"("run_id", "phase", "name");

-- CreateIndex
CREATE INDEX "downstream_score_task_metric_value_idx" ON "downstream_score"("task", "metric", "value");

-- CreateIndex
CREATE INDEX "checkpoint_run_id_created_at_idx" ON "checkpoint"("run_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "checkpoint_run_id_phase_step_key" ON "checkpoint"("run_id", "phase", "step");

-- CreateIndex
CREATE INDEX "worker_status_last_seen_at_idx" ON "worker"("status", "last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_hash_key" ON "api_token"("hash");

-- CreateIndex
CREATE INDEX "run_event_sweep_id_id_idx" ON "run_event"("sweep_id", "id");

-- CreateIndex
CREATE INDEX "run_event_run_id_idx" ON "run_event"("run_id");

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_worker_id_fkey" FOREIGN KEY ("worker_id") REFERENCES "worker"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_series" ADD CONSTRAINT "metric_series_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "downstream_score" ADD CONSTRAINT "downstream_score_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkpoint" ADD CONSTRAINT "checkpoint_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_event" ADD CONSTRAINT "run_event_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_event" ADD CONSTRAINT "run_event_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not modelled by Prisma (see schema.prisma, model MetricValue) ------------------------------------------------

-- metric_value has no foreign key (one locking lookup per inserted row would dominate ingest); this statement-level
-- trigger gives it ON DELETE CASCADE semantics instead, once per DELETE however many series it removes.
CREATE FUNCTION "metric_series_delete_values"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I.metric_value v USING deleted_series d WHERE v.series_id = d.id', TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;

CREATE TRIGGER "metric_series_delete_values"
    AFTER DELETE ON "metric_series"
    REFERENCING OLD TABLE AS deleted_series
    FOR EACH STATEMENT EXECUTE FUNCTION "metric_series_delete_values"();

-- Points addressed by name, for reads: the planner resolves (run_id, phase, name) through metric_series' unique
-- index, then range-scans metric_value's primary key.
CREATE VIEW "metric_point" AS
    SELECT s."run_id", s."phase", s."name", v."step", v."value", v."wall_time"
    FROM "metric_value" v
    JOIN "metric_series" s ON s."id" = v."series_id";
