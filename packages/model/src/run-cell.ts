// runCell: everything one sweep cell does, as one call the worker makes in a child process —
//   backend → resume point → tokenizer → model → pretraining (span corruption) → finetuning of every task → result.
// No queue or database here: progress, metrics and checkpoints leave through CellHooks, state lives in a
// CheckpointStorage. A run that finds a checkpoint for its runId continues from it exactly (weights, optimizer
// state, data position and RNG, divergence monitor, counters).
import { z } from 'zod';
import {
  JobShapeSchema, ShapesweepError, TrainingConfigSchema,
  type DownstreamScoreResult, type JobShape, type TaskName, type TrainingConfig, type TrainJobResult,
} from '@shapesweep/contract';
import {
  encodeCorpus, getOrTrainTokenizer, heldoutBatches, loadPretrainingCorpus, loadTask, spanCorruptionBatches,
  spanCorruptionLengths, Tokenizer, type Corpus, type SpanCorruptionState,
} from '@shapesweep/data';
import { selectBackend, type BackendName } from './backend/select.js';
import type { Checkpoint, Progress } from './checkpoint/checkpoint.js';
import type { CheckpointStorage } from './checkpoint/storage.js';
import { createOptimizer } from './optim/index.js';
import { createT5, type T5Model } from './t5/model.js';
import { encodeTask, type ClassificationTask } from './train/classification.js';
import { freshMonitorState } from './train/divergence.js';
import { finetunePhase, finetuneTask, type FinetuneResume } from './train/finetune.js';
import type { CellHooks } from './train/hooks.js';
import { pretrain, PRETRAIN_PHASE } from './train/pretrain.js';
import { TrainingSession } from './train/session.js';
import { evaluateLoss } from './train/step.js';

export interface RunCellConfig {
  /** The Run's id; checkpoints are stored and found under it. */
  readonly runId: string;
  readonly shape: JobShape;
  /** Fully resolved training config (TrainingConfigSchema output). */
  readonly training: TrainingConfig;
  /** Seeds the weights, the span-corruption masks and the finetuning example order. */
  readonly seed: number;
  readonly storage: CheckpointStorage;
  /** Directory for the tokenizer and token caches, shared by the cells of a machine. */
  readonly cacheDir: string;
  /** Use exactly this backend (BACKEND_UNAVAILABLE if it is not installed). @defaultValue automatic selection */
  readonly backend?: BackendName | undefined;
  /** Train examples per task: a fixed random subset (quick looks, tests). @defaultValue undefined (all) */
  readonly taskLimit?: number | undefined;
  /**
   * Skip pretraining and finetune every task from the initial random weights: the "no pretraining" baseline. Steps
   * are then numbered from 1 and the upstream scores are measured on the untrained model. @defaultValue false
   */
  readonly skipPretraining?: boolean | undefined;
  /** A corpus in memory instead of `training.pretrain.corpus` (tests). @defaultValue undefined (load it) */
  readonly corpus?: Corpus | undefined;
  /** Task loader (tests, user tasks). @defaultValue the four built-in tasks of packages/data */
  readonly loadTask?: ((name: string) => Promise<ClassificationTask>) | undefined;
}

export type CellOutcome =
  | { readonly status: 'completed'; readonly result: TrainJobResult }
  | { readonly status: 'stopped'; readonly step: number };

const RunCellConfigSchema = z.object({
  runId: z.string().min(1).max(200),
  shape: JobShapeSchema,
  training: TrainingConfigSchema,
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  cacheDir: z.string().min(1),
  taskLimit: z.number().int().positive().optional(),
});

const ZERO_PROGRESS: Progress = { tokensSeen: 0, examplesSeen: 0, trainFlopsSpent: 0, trainSeconds: 0, wallSeconds: 0 };

/**
 * Trains one cell: pretraining steps 1..P, then each task's finetuning steps P+1.. in config order, resuming from
 * `storage.latest(runId)` when there is one. Resolves `{ status: 'stopped' }` when `hooks.shouldStop()` turned true
 * (a checkpoint of that step exists), `{ status: 'completed', result }` otherwise.
 * @throws ShapesweepError TRAINING_DIVERGED, CHECKPOINT_INVALID, DATA_INVALID, BACKEND_UNAVAILABLE, JOB_PAYLOAD_INVALID.
 */
export async function runCell(config: RunCellConfig, hooks: CellHooks): Promise<CellOutcome> {
  validateConfig(config);
  const { runId, shape, training, seed, storage } = config;
  const backend = await selectBackend({ override: config.backend, log: hooks.onLog });

  const resume = await storage.latest(runId);
  if (resume !== null) checkResumable(resume, config);
  hooks.onLog?.(resume === null ? `run ${runId}: starting fresh` : `run ${runId}: resuming from step ${resume.step} (${resume.phase})`);

  const stepOffset = config.skipPretraining === true ? 0 : training.pretrain.steps;
  const pretrainDone = config.skipPretraining === true || (resume !== null && (resume.phase !== PRETRAIN_PHASE || resume.step >= training.pretrain.steps));
  const corpus = resume === null || !pretrainDone ? (config.corpus ?? (await loadPretrainingCorpus(training.pretrain.corpus))) : undefined;
  const tokenizer =
    resume !== null
      ? restoreTokenizer(resume)
      : await getOrTrainTokenizer({ corpus: corpus as Corpus, vocabSize: shape.vocab, cacheDir: config.cacheDir });

  const model = createT5(shape, { seed });
  const session = new TrainingSession({
    runId, shape, seed, training, storage, hooks, model,
    tokenizer: tokenizer.toJSON(),
    totalSteps: stepOffset + training.finetune.steps * training.finetune.tasks.length,
    progress: resume?.trainer.progress ?? ZERO_PROGRESS,
    scores: resume?.trainer.scores ?? [],
    pretrainEval: resume?.trainer.pretrainEval ?? null,
    skipPretraining: config.skipPretraining === true,
    lastCheckpointStep: resume?.step ?? -1,
  });
  try {
    // Pretraining (for the baseline: one evaluation of the untrained model, so its upstream numbers exist too).
    if (!pretrainDone || (config.skipPretraining === true && session.pretrainEval === null)) {
      const outcome = await runPretraining(session, model, tokenizer, corpus as Corpus, config, resume);
      if (outcome.status === 'stopped') return outcome;
    }

    // Finetuning: every task starts from the same base weights (pretrained, or initial for the baseline).
    const baseWeights = resume?.baseWeights ?? (resume?.phase === PRETRAIN_PHASE && pretrainDone && config.skipPretraining !== true ? resume.weights : model.getWeights());
    for (const [taskIndex, name] of training.finetune.tasks.entries()) {
      if (session.scores.some((s) => s.task === name)) continue; // finished before a resume
      // Built-in tasks come cleaned from the cache directory after the first cell (cleaning all four takes seconds).
      const raw = await (config.loadTask ?? ((task: string) => loadTask(task as TaskName, { cacheDir: config.cacheDir })))(name);
      const task = encodeTask(raw, tokenizer, { inputLength: training.finetune.inputLength, evalExamples: training.finetune.evalExamples, trainExamples: config.taskLimit });
      const midTask = resume !== null && resume.phase === finetunePhase(name) ? finetuneResume(resume) : undefined;
      const outcome = await finetuneTask(session, { model, task, taskIndex, baseWeights, stepOffset, seed, resume: midTask });
      if (outcome.status === 'stopped') return outcome;
    }

    await session.metrics.flush();
    return { status: 'completed', result: buildResult(runId, session, backend.name) };
  } catch (err) {
    // Best effort: the points just before a divergence are the most useful ones for the post-mortem.
    await session.metrics.flush().catch(() => undefined);
    throw err;
  } finally {
    model.dispose();
  }
}

async function runPretraining(
  session: TrainingSession, model: T5Model, tokenizer: Tokenizer, corpus: Corpus, config: RunCellConfig, resume: Checkpoint | null,
): Promise<{ status: 'completed' } | { status: 'stopped'; step: number }> {
  const p = config.training.pretrain;
  const [trainTokens, heldoutTokens] = await Promise.all([
    encodeCorpus({ corpus, tokenizer, split: 'train', cacheDir: config.cacheDir }),
    encodeCorpus({ corpus, tokenizer, split: 'heldout', cacheDir: config.cacheDir }),
  ]);
  const streamOptions = {
    inputLength: p.inputLength, targetLength: p.targetLength, noiseDensity: p.noiseDensity, meanSpanLength: p.meanSpanLength,
    batchSize: p.batchSize, sentinel: (i: number) => tokenizer.sentinelId(i), eosId: 1, padId: 0,
  };
  // A corpus whose held-out slice is too short for one example (tiny test corpora) is evaluated on its train part.
  const needed = spanCorruptionLengths(p.inputLength, p.targetLength, p.noiseDensity, p.meanSpanLength).rawLength;
  const heldoutSource = heldoutTokens.length >= needed ? heldoutTokens : trainTokens;
  if (heldoutSource === trainTokens) session.log(`held-out slice has ${heldoutTokens.length} tokens, fewer than one example (${needed}): evaluating on train tokens`);
  // The same held-out batches for every evaluation of every run (seed 0), so eval losses are comparable.
  const heldout = heldoutBatches({ ...streamOptions, tokens: heldoutSource, count: p.evalBatches });
  if (config.skipPretraining === true) {
    const evalLoss = evaluateLoss(model, heldout);
    session.pretrainEval = { step: 0, evalLoss, negLogPerplexity: -evalLoss };
    session.metrics.add(PRETRAIN_PHASE, 0, { eval_loss: evalLoss, neg_log_perplexity: -evalLoss });
    return { status: 'completed' };
  }
  const stream = resumeStream(() =>
    spanCorruptionBatches({
      ...streamOptions, tokens: trainTokens, seed: config.seed,
      ...(resume === null ? {} : { state: resume.dataState as SpanCorruptionState }),
    }),
  );
  const optimizer = createOptimizer(p.optimizer, model.variables);
  try {
    if (resume !== null) {
      model.setWeights(resume.weights);
      optimizer.importState(resume.optimizer);
    }
    return await pretrain(session, {
      model, optimizer, stream, heldout, startStep: resume?.step ?? 0, monitor: resume?.trainer.monitor ?? freshMonitorState(),
    });
  } finally {
    optimizer.dispose();
  }
}

/** A saved data position that no longer fits the data is a checkpoint problem, not a data problem. */
function resumeStream<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ShapesweepError && err.code === 'DATA_INVALID') {
      throw new ShapesweepError('CHECKPOINT_INVALID', `The checkpoint's data position cannot be restored: ${err.message}`, { details: [...err.details, 'dataState'], cause: err });
    }
    throw err;
  }
}

function finetuneResume(checkpoint: Checkpoint): FinetuneResume {
  return { step: checkpoint.step, weights: checkpoint.weights, optimizer: checkpoint.optimizer, dataState: checkpoint.dataState, monitor: checkpoint.trainer.monitor };
}

function restoreTokenizer(checkpoint: Checkpoint): Tokenizer {
  try {
    return Tokenizer.fromJSON(checkpoint.tokenizer);
  } catch (err) {
    throw new ShapesweepError('CHECKPOINT_INVALID', `The checkpoint of step ${checkpoint.step} holds an invalid tokenizer`, { details: ['tokenizer'], cause: err });
  }
}

function validateConfig(config: RunCellConfig): void {
  const parsed = RunCellConfigSchema.safeParse(config);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ShapesweepError('JOB_PAYLOAD_INVALID', `runCell config is not valid: ${details.join('; ')}`, { details });
  }
}

/** A checkpoint of another shape, seed or config cannot be continued exactly: refuse it rather than mix runs. */
function checkResumable(checkpoint: Checkpoint, config: RunCellConfig): void {
  const details: string[] = [];
  if (JSON.stringify(checkpoint.shape) !== JSON.stringify(config.shape)) details.push(`shape: checkpoint ${JSON.stringify(checkpoint.shape)}, run ${JSON.stringify(config.shape)}`);
  if (checkpoint.seed !== config.seed) details.push(`seed: checkpoint ${checkpoint.seed}, run ${config.seed}`);
  if (checkpoint.trainer.skipPretraining !== (config.skipPretraining === true)) {
    details.push(`skipPretraining: checkpoint ${checkpoint.trainer.skipPretraining}, run ${config.skipPretraining === true}`);
  }
  if (JSON.stringify(checkpoint.training) !== JSON.stringify(TrainingConfigSchema.parse(config.training))) details.push('training: the checkpoint was written with another training config');
  if (details.length > 0) throw new ShapesweepError('CHECKPOINT_INVALID', `The latest checkpoint of run ${config.runId} belongs to a different configuration`, { details });
}

/**
 * The job result. downstreamMean is the mean over tasks of each task's accuracy (macro-F1 is reported alongside for
 * genre but does not enter the mean), or null without tasks.
 */
function buildResult(runId: string, session: TrainingSession, backend: string): TrainJobResult {
  const progress = session.progress();
  const accuracies = session.scores.filter((s: DownstreamScoreResult) => s.metric === 'accuracy').map((s) => s.value);
  const upstream = session.pretrainEval;
  return {
    runId,
    evalLoss: upstream?.evalLoss ?? Number.NaN,
    negLogPerplexity: upstream?.negLogPerplexity ?? Number.NaN,
    downstreamMean: accuracies.length === 0 ? null : accuracies.reduce((a, b) => a + b, 0) / accuracies.length,
    scores: session.scores,
    tokensSeen: progress.tokensSeen,
    wallSeconds: progress.wallSeconds,
    tokensPerSecond: progress.trainSeconds > 0 ? progress.tokensSeen / progress.trainSeconds : 0,
    trainFlopsSpent: progress.trainFlopsSpent,
    backend,
  };
}
