-- Submit writes its runs QUEUED and confirms the whole sweep once addBulk is done (sweep.enqueued_at), instead of
-- updating every run PENDING → QUEUED with one run.queued event each: on a 10,000-cell sweep that update and its
-- events were ~40% of the submit. Sweeps that existed before this migration were enqueued run by run: confirmed.

-- AlterTable
ALTER TABLE "sweep" ADD COLUMN "enqueued_at" TIMESTAMPTZ(3);
UPDATE "sweep" SET "enqueued_at" = "created_at";

-- DropIndex: (status) is the prefix of run_status_params_idx and the other (status, …) indexes.
DROP INDEX "run_status_idx";
