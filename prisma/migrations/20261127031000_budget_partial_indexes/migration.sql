-- Budget indexes over finished runs only. The (status, …) indexes they replace took an entry for every run at
-- insert and a new one at every status change; partial on SUCCEEDED, a run enters them once, when it succeeds.
-- (status, planned_train_flops) goes: the FLOPs budget compares COALESCE(train_flops_spent, planned_train_flops),
-- which that index could not serve.

-- DropIndex
DROP INDEX "run_status_params_idx";

-- DropIndex
DROP INDEX "run_status_planned_train_flops_idx";

-- DropIndex
DROP INDEX "run_status_downstream_mean_idx";

-- CreateIndex
CREATE INDEX "run_succeeded_params_idx" ON "run"("params") WHERE status = 'SUCCEEDED';

-- CreateIndex
CREATE INDEX "run_succeeded_downstream_mean_idx" ON "run"("downstream_mean") WHERE status = 'SUCCEEDED';
