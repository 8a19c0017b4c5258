// The protocol between the worker (parent) and a trainer child, validated on both ends. Messages travel with
// `serialization: 'advanced'` (structured clone), so Dates and non-finite numbers (a diverging loss is NaN) survive.
//
// parent → child: start (what to train), stop (cancel / shutdown), ack (a metric batch is buffered; the trainer may
//                 continue), flushed (every point sent so far is in Postgres; the checkpoint may be written)
// child → parent: ready (backend chosen), heartbeat, metrics (awaits ack), progress, flush (awaits flushed),
//                 checkpoint, log, done (completed or stopped), failed
import { z } from 'zod';
import { DownstreamScoreSchema, JobShapeSchema, TrainingConfigSchema, BackendNameSchema } from '@shapesweep/contract';

/** Any JS number, NaN and ±Infinity included (zod's z.number() rejects those, and a diverged loss is NaN). */
const anyNumber = z.custom<number>((v) => typeof v === 'number', 'must be a number');
const count = z.number().int().min(0);

/** A tfjs backend name as the worker config spells it. */
export type BackendName = z.infer<typeof BackendNameSchema>;

export const MetricPointMessageSchema = z.strictObject({
  phase: z.string().min(1),
  name: z.string().min(1),
  step: count,
  value: anyNumber,
  wallTime: z.date(),
});
export type MetricPointMessage = z.infer<typeof MetricPointMessageSchema>;

export const StartMessageSchema = z.strictObject({
  type: z.literal('start'),
  runId: z.string().min(1),
  shape: JobShapeSchema,
  training: TrainingConfigSchema,
  seed: count,
  /** Directory of the run's checkpoints (shared storage across workers). */
  checkpointDir: z.string().min(1),
  cacheDir: z.string().min(1),
  backend: BackendNameSchema.optional(),
  /** How often the child says it is alive, in ms. */
  heartbeatIntervalMs: z.number().int().positive(),
  /** Trainer module to load instead of the built-in one (TRAINER_MODULE). */
  trainerModule: z.string().min(1).optional(),
});
export type StartMessage = z.infer<typeof StartMessageSchema>;

export const ParentMessageSchema = z.discriminatedUnion('type', [
  StartMessageSchema,
  z.strictObject({ type: z.literal('probe'), backend: BackendNameSchema.optional(), trainerModule: z.string().min(1).optional() }),
  z.strictObject({ type: z.literal('stop'), reason: z.enum(['cancel', 'shutdown']) }),
  z.strictObject({ type: z.literal('ack'), id: count }),
  z.strictObject({ type: z.literal('flushed'), id: count, error: z.string().optional() }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

export const ProgressMessageSchema = z.strictObject({
  type: z.literal('progress'),
  phase: z.string().min(1),
  step: count,
  totalSteps: count,
  tokensSeen: count,
  tokensPerSecond: z.number().min(0),
  etaSeconds: z.number().min(0).nullable(),
});
export type ProgressMessage = z.infer<typeof ProgressMessageSchema>;

export const CellResultSchema = z.strictObject({
  evalLoss: anyNumber,
  negLogPerplexity: anyNumber,
  downstreamMean: z.number().nullable(),
  scores: z.array(DownstreamScoreSchema),
  tokensSeen: count,
  wallSeconds: z.number().min(0),
  tokensPerSecond: z.number().min(0),
  trainFlopsSpent: z.number().min(0),
  backend: z.string(),
});
export type CellResult = z.infer<typeof CellResultSchema>;

/** A checkpoint the trainer saved, with the older ones the storage deleted (the parent drops their rows). */
const CheckpointMessageSchema = z.strictObject({
  type: z.literal('checkpoint'),
  phase: z.string().min(1),
  step: count,
  uri: z.string().min(1),
  bytes: count,
  removed: z.array(z.string().min(1)).max(10_000),
});
export type CheckpointReportMessage = Omit<z.infer<typeof CheckpointMessageSchema>, 'type'>;

export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), backend: z.string(), reason: z.string() }),
  z.strictObject({ type: z.literal('heartbeat') }),
  z.strictObject({ type: z.literal('metrics'), id: count, points: z.array(MetricPointMessageSchema) }),
  ProgressMessageSchema,
  z.strictObject({ type: z.literal('flush'), id: count }),
  CheckpointMessageSchema,
  z.strictObject({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() }),
  z.strictObject({
    type: z.literal('done'),
    outcome: z.discriminatedUnion('status', [
      z.strictObject({ status: z.literal('completed'), result: CellResultSchema }),
      z.strictObject({ status: z.literal('stopped'), step: count }),
    ]),
  }),
  z.strictObject({
    type: z.literal('failed'),
    /** Catalogue code when the trainer threw a ShapesweepError (TRAINING_DIVERGED, DATA_INVALID, …). */
    code: z.string().optional(),
    message: z.string(),
    details: z.array(z.string()),
  }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;

/** Parses a message or returns a one-line reason naming the field; never throws (a bad message is a bug report). */
export function parseMessage<S extends z.ZodType>(schema: S, raw: unknown): { ok: true; message: z.infer<S> } | { ok: false; reason: string } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
  return { ok: false, reason };
}
