// Training hyper-parameters of one cell: the typed config a sweep spec carries (partially; defaults fill the rest),
// that the job payload carries (fully resolved), and that the trainer's runCell() consumes.
// Defaults are CPU scale: small enough that a cell of a `tiny` shape at widthScale 1/8 trains in minutes on one core.
import { z } from 'zod';

/** The four downstream tasks that ship offline (see packages/data). */
export const BUILTIN_TASKS = ['sentiment', 'spam', 'genre', 'wic'] as const;
export const TaskNameSchema = z.enum(BUILTIN_TASKS);
export type TaskName = z.infer<typeof TaskNameSchema>;

const positiveInt = z.number().int().positive();

export const OptimizerNameSchema = z.enum(['adafactor', 'adam']);
export type OptimizerName = z.infer<typeof OptimizerNameSchema>;

export const PretrainConfigSchema = z.strictObject({
  /** Optimizer steps of span-corruption pretraining. @defaultValue 300 */
  steps: positiveInt.max(10_000_000).default(300),
  /** Sequences per step. @defaultValue 16 */
  batchSize: positiveInt.max(4096).default(16),
  /** Encoder input tokens per packed example. @defaultValue 128 */
  inputLength: positiveInt.max(8192).default(128),
  /** Decoder target tokens per example. @defaultValue 32 */
  targetLength: positiveInt.max(8192).default(32),
  /** @defaultValue "adafactor" */
  optimizer: OptimizerNameSchema.default('adafactor'),
  /**
   * Peak learning rate. For Adafactor, omit it to use T5's relative step size 1/sqrt(max(step, warmupSteps)).
   * @defaultValue undefined (Adafactor relative step) — Adam then uses 1e-3
   */
  learningRate: z.number().positive().max(10).optional(),
  /** Steps of constant (Adafactor) or linear (Adam) warm-up before the inverse-square-root decay. @defaultValue 100 */
  warmupSteps: z.number().int().min(0).max(10_000_000).default(100),
  /** Global gradient-norm clip; 0 disables clipping. @defaultValue 1 */
  gradClipNorm: z.number().min(0).default(1),
  /** Fraction of tokens replaced by sentinel spans. @defaultValue 0.15 */
  noiseDensity: z.number().gt(0).lt(1).default(0.15),
  /** Mean corrupted span length in tokens. @defaultValue 3 */
  meanSpanLength: z.number().gt(0).max(100).default(3),
  /** Evaluate on the held-out slice every this many steps (and at the end). @defaultValue 100 */
  evalEvery: positiveInt.default(100),
  /** Held-out batches per evaluation. @defaultValue 4 */
  evalBatches: positiveInt.max(1000).default(4),
  /** "default" (the shipped corpus) or an absolute path to a directory of .txt files. @defaultValue "default" */
  corpus: z.string().min(1).default('default'),
});
export type PretrainConfig = z.infer<typeof PretrainConfigSchema>;

export const FinetuneConfigSchema = z.strictObject({
  /** Downstream tasks, each finetuned separately from the pretrained weights. @defaultValue all four built-in tasks */
  tasks: z.array(TaskNameSchema).min(0).max(16).default([...BUILTIN_TASKS]),
  /** Optimizer steps per task. @defaultValue 150 */
  steps: z.number().int().min(0).max(10_000_000).default(150),
  /** @defaultValue 16 */
  batchSize: positiveInt.max(4096).default(16),
  /** Encoder tokens per example (longer inputs are truncated). @defaultValue 128 */
  inputLength: positiveInt.max(8192).default(128),
  /** @defaultValue "adafactor" */
  optimizer: OptimizerNameSchema.default('adafactor'),
  /** Constant learning rate, as in the paper. @defaultValue 1e-3 */
  learningRate: z.number().positive().max(10).default(1e-3),
  /** Validation examples scored per task (rank classification); 0 = the whole validation split. @defaultValue 400 */
  evalExamples: z.number().int().min(0).default(400),
});
export type FinetuneConfig = z.infer<typeof FinetuneConfigSchema>;

export const TrainingConfigSchema = z.strictObject({
  pretrain: PretrainConfigSchema.prefault({}),
  finetune: FinetuneConfigSchema.prefault({}),
  /** Write a checkpoint every this many steps (and at every phase end). @defaultValue 50 */
  checkpointEvery: positiveInt.default(50),
});
/** Fully resolved training config (every default applied). */
export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;
/** What a user may write: every field optional. */
export type TrainingConfigInput = z.input<typeof TrainingConfigSchema>;

/**
 * The per-step training curves a trainer logs at every optimizer step. Every other metric name is an evaluation
 * (eval loss, task scores), which the worker also publishes as a run.metrics event.
 */
export const TRAINING_CURVE_METRICS = ['train_loss', 'lr', 'grad_norm', 'tokens_per_s'] as const;
export type TrainingCurveMetric = (typeof TRAINING_CURVE_METRICS)[number];

/** Total optimizer steps a cell runs: pretraining plus finetuning of every task. */
export function totalSteps(config: TrainingConfig): number {
  return config.pretrain.steps + config.finetune.steps * config.finetune.tasks.length;
}
