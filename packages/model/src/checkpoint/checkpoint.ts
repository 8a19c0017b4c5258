// What a checkpoint holds and how its header is validated. Everything needed to continue a run exactly: weights,
// optimizer slots, the step and phase, the data iterator's position and RNG state, the tokenizer, the config, and
// the trainer's own bookkeeping (progress counters, finished scores, divergence monitor).
import { z } from 'zod';
import { DownstreamScoreSchema, JobShapeSchema, OptimizerNameSchema, TrainingConfigSchema, type JobShape, type TrainingConfig } from '@shapesweep/contract';
import type { OptimizerState } from '../optim/optimizer.js';

/** `pretrain` or `finetune:<task>`: the phase a step belongs to (also the phase of its metric points). */
export const PhaseSchema = z.string().regex(/^(pretrain|finetune:[A-Za-z0-9_.-]+)$/, 'phase must be "pretrain" or "finetune:<task>"');
export type Phase = z.infer<typeof PhaseSchema>;

const count = z.number().int().min(0);

/** Running totals across the whole run (they survive resumes). */
export const ProgressSchema = z.strictObject({
  /** Encoder + decoder tokens of every example trained on (padding excluded in finetuning). */
  tokensSeen: count,
  /** Training examples (sequences) processed. */
  examplesSeen: count,
  /** Training FLOPs from the shapes package's accounting, summed over the batches actually run. */
  trainFlopsSpent: z.number().min(0),
  /** Seconds inside optimizer steps (forward, backward, update), all attempts together: throughput's denominator. */
  trainSeconds: z.number().min(0),
  /** Wall-clock seconds of the cell (data loading, evaluation and checkpoints included), all attempts together. */
  wallSeconds: z.number().min(0),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** The divergence monitor's memory, so a resumed run judges "exploding" against the same baseline. */
export const MonitorStateSchema = z.strictObject({
  steps: count,
  smoothedLoss: z.number().nullable(),
  bestSmoothedLoss: z.number().nullable(),
});
export type MonitorState = z.infer<typeof MonitorStateSchema>;

export const PretrainEvalSchema = z.strictObject({
  step: count,
  evalLoss: z.number(),
  negLogPerplexity: z.number(),
});
export type PretrainEval = z.infer<typeof PretrainEvalSchema>;

export const TrainerStateSchema = z.strictObject({
  progress: ProgressSchema,
  /** The final pretraining evaluation, once pretraining has finished. */
  pretrainEval: PretrainEvalSchema.nullable(),
  /** Scores of the finetuning tasks finished so far. */
  scores: z.array(DownstreamScoreSchema),
  monitor: MonitorStateSchema,
  /** True for the no-pretraining baseline (finetuning from the initial weights, steps numbered from 1). */
  skipPretraining: z.boolean(),
});
export type TrainerState = z.infer<typeof TrainerStateSchema>;

export interface Checkpoint {
  readonly runId: string;
  /** Global step: pretraining 1..P, then finetuning continues P+1.. task after task. */
  readonly step: number;
  readonly phase: Phase;
  /** ISO-8601 time the checkpoint was taken. */
  readonly createdAt: string;
  readonly shape: JobShape;
  readonly seed: number;
  readonly training: TrainingConfig;
  /** The tokenizer as JSON (packages/data `Tokenizer.toJSON()`), so a resumed run encodes identically. */
  readonly tokenizer: unknown;
  /** Position and RNG state of the current phase's data iterator (JSON; validated by whoever restores it). */
  readonly dataState: unknown;
  readonly trainer: TrainerState;
  /** Model weights by variable name. */
  readonly weights: ReadonlyMap<string, Float32Array>;
  readonly optimizer: OptimizerState;
  /** During finetuning: the pretrained weights every task starts from (null in pretraining). */
  readonly baseWeights: ReadonlyMap<string, Float32Array> | null;
}

export const CHECKPOINT_FORMAT = 'shapesweep-checkpoint';
export const CHECKPOINT_VERSION = 1;

const TensorEntrySchema = z.strictObject({
  group: z.enum(['weights', 'optimizer', 'base']),
  name: z.string().min(1),
  /** Number of float32 values. */
  length: count,
});
export type TensorEntry = z.infer<typeof TensorEntrySchema>;

/** The JSON header of a checkpoint file; the tensors follow it in the order listed. */
export const CheckpointHeaderSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  runId: z.string().min(1),
  step: count,
  phase: PhaseSchema,
  createdAt: z.iso.datetime(),
  shape: JobShapeSchema,
  seed: count,
  training: TrainingConfigSchema,
  tokenizer: z.unknown(),
  dataState: z.unknown(),
  trainer: TrainerStateSchema,
  optimizer: z.strictObject({ name: OptimizerNameSchema, step: count }),
  hasBase: z.boolean(),
  tensors: z.array(TensorEntrySchema),
  /** Bytes of tensor data after the header (4 × the sum of lengths). */
  dataBytes: count,
  /** SHA-256 of the tensor data, hex: catches bit rot and partial copies that keep the length. */
  dataSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CheckpointHeader = z.infer<typeof CheckpointHeaderSchema>;
