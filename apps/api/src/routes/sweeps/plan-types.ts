// What the submit path stores and enqueues: the planned sweep in the shape of its database rows.
import type { JobShape, TrainingConfig } from '@shapesweep/contract';

/** One cell of a planned sweep = one Run row = one BullMQ job. */
export interface PlannedRun {
  /** Run id = BullMQ job id: jobIdFor(sweepId, cellKey). */
  id: string;
  /** Stable hash of (shape, hyper-parameters, seed), independent of the sweep. */
  cellKey: string;
  name: string;
  family: string;
  referenceName: string | null;
  widthScale: number;
  shape: JobShape;
  params: number;
  embeddingParams: number;
  nonEmbeddingParams: number;
  flopsPerExample: number;
  plannedTrainFlops: number;
  seed: number;
}

export interface SweepPlan {
  /** Derived from the canonical spec: the same spec always plans the same sweep id (see README "Duplicates"). */
  sweepId: string;
  name: string;
  /** The validated spec (defaults applied), stored as submitted-and-normalised JSON. */
  spec: unknown;
  /** Sweep priority as the spec states it (higher runs first). */
  priority: number;
  runs: PlannedRun[];
  /** The resolved training config every cell shares (what each job payload carries). */
  training: TrainingConfig;
  /** Optimizer steps of one cell under `training`. */
  totalSteps: number;
  /** Cells the planner dropped (over budget, invalid after width scaling), with why. */
  dropped: Array<{ name: string; reason: string }>;
}
