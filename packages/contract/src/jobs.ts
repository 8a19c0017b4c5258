// Queue names and the job payload/result schemas: the whole api <-> worker contract.
import { z } from 'zod';
import { TrainingConfigSchema } from './training.js';

/** BullMQ queue that carries one job per Run. Tests use their own name (`test-${uuid}`) through config. */
export const DEFAULT_TRAIN_QUEUE = 'shapesweep-train';

/** A run's statuses, in lifecycle order (prisma/schema.prisma RunStatus). */
export const RUN_STATUSES = ['PENDING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatusName = (typeof RUN_STATUSES)[number];

/** Redis pub/sub channel prefix for control messages to running jobs (cancel). Full channel: `${prefix}:${queue}`. */
export const CONTROL_CHANNEL_PREFIX = 'shapesweep-control';

const dim = z.number().int().positive();

/** A concrete model shape as it travels in a job (the shapes package validates semantics before it gets here). */
export const JobShapeSchema = z.strictObject({
  el: dim, dl: dim, dm: dim, ff: dim, nh: dim, kv: dim, vocab: dim,
});
export type JobShape = z.infer<typeof JobShapeSchema>;

export const TrainJobPayloadSchema = z.strictObject({
  /** Run id (= BullMQ job id). */
  runId: z.string().min(1).max(200),
  sweepId: z.string().min(1).max(200),
  /** Canonical cell name, e.g. "base-nl24@w1/8". */
  name: z.string().min(1).max(200),
  shape: JobShapeSchema,
  training: TrainingConfigSchema,
  seed: z.number().int().min(0).max(2 ** 31 - 1),
});
export type TrainJobPayload = z.infer<typeof TrainJobPayloadSchema>;

export const DownstreamScoreSchema = z.strictObject({
  task: z.string(),
  metric: z.string(),
  value: z.number(),
  step: z.number().int().min(0),
});
export type DownstreamScoreResult = z.infer<typeof DownstreamScoreSchema>;

/** What a finished job returns (also stored on the Run row). */
export const TrainJobResultSchema = z.strictObject({
  runId: z.string(),
  evalLoss: z.number(),
  negLogPerplexity: z.number(),
  downstreamMean: z.number().nullable(),
  scores: z.array(DownstreamScoreSchema),
  tokensSeen: z.number().int().min(0),
  wallSeconds: z.number().min(0),
  tokensPerSecond: z.number().min(0),
  trainFlopsSpent: z.number().min(0),
  backend: z.string(),
});
export type TrainJobResult = z.infer<typeof TrainJobResultSchema>;

/** Progress a running job reports through BullMQ `job.updateProgress` (and the Run summary columns). */
export const TrainJobProgressSchema = z.strictObject({
  phase: z.string(),
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  tokensSeen: z.number().int().min(0),
  tokensPerSecond: z.number().min(0),
  etaSeconds: z.number().min(0).nullable(),
});
export type TrainJobProgress = z.infer<typeof TrainJobProgressSchema>;

/** Control message published on the control channel. */
export const ControlMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cancel'), runIds: z.array(z.string()) }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;
