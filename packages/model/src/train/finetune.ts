// Finetuning of one task, from the pretrained weights with a fresh optimizer, at a constant learning rate; then
// rank-classification evaluation. Global steps continue after pretraining: task i (0-based) owns steps
// P + i·F + 1 .. P + (i+1)·F. The loop reads top to bottom: stop? → schedule → step → divergence check → log →
// checkpoint; evaluation and the phase-end checkpoint follow the last step.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { ShapesweepError } from '@shapesweep/contract';
import { trainFlopsPerExample } from '@shapesweep/shapes';
import type { MonitorState, Phase } from '../checkpoint/checkpoint.js';
import { createOptimizer } from '../optim/index.js';
import type { OptimizerState } from '../optim/optimizer.js';
import { finetuneLearningRate } from '../optim/schedule.js';
import type { T5Model } from '../t5/model.js';
import { classificationScores, ExampleStream, rankClassify, type EncodedTask } from './classification.js';
import { checkDivergence, freshMonitorState } from './divergence.js';
import type { PhaseOutcome } from './pretrain.js';
import type { TrainingSession } from './session.js';
import { realTokens, scoreCandidates, trainStep } from './step.js';

export function finetunePhase(task: string): Phase {
  return `finetune:${task}`;
}

/** First and last global step of task `taskIndex` (last < first when finetuning has 0 steps). */
export function taskStepRange(pretrainSteps: number, stepsPerTask: number, taskIndex: number): { first: number; last: number } {
  return { first: pretrainSteps + taskIndex * stepsPerTask + 1, last: pretrainSteps + (taskIndex + 1) * stepsPerTask };
}

/** The finetuning data state a checkpoint carries. */
export const FinetuneDataStateSchema = z.strictObject({
  task: z.string(),
  epoch: z.number().int().min(0),
  offset: z.number().int().min(0),
});

export interface FinetuneResume {
  /** Last completed global step. */
  readonly step: number;
  readonly weights: ReadonlyMap<string, Float32Array>;
  readonly optimizer: OptimizerState;
  readonly dataState: unknown;
  readonly monitor: MonitorState;
}

export interface FinetuneInputs {
  readonly model: T5Model;
  readonly task: EncodedTask;
  readonly taskIndex: number;
  /** The weights every task starts from (pretrained, or the initial ones for the no-pretraining baseline). */
  readonly baseWeights: ReadonlyMap<string, Float32Array>;
  /** Global step after which finetuning starts (P, or 0 without pretraining). */
  readonly stepOffset: number;
  /** Seed of the example order (the run's seed). */
  readonly seed: number;
  /** Continue mid-task from a checkpoint. */
  readonly resume?: FinetuneResume | undefined;
}

export async function finetuneTask(session: TrainingSession, inputs: FinetuneInputs): Promise<PhaseOutcome> {
  const config = session.training.finetune;
  const { model, task } = inputs;
  const phase = finetunePhase(task.name);
  const { first, last } = taskStepRange(inputs.stepOffset, config.steps, inputs.taskIndex);
  const optimizer = createOptimizer(config.optimizer, model.variables);
  try {
    const { stream, startStep, monitor: restoredMonitor } = startTask(inputs, optimizer, config.batchSize, first);
    let monitor = restoredMonitor;
    const snapshot = (step: number) => ({
      phase, step, optimizer, monitor, baseWeights: inputs.baseWeights, dataState: { task: task.name, ...stream.state() },
    });

    for (let step = startStep + 1; step <= last; step++) {
      if (session.shouldStop()) {
        await session.checkpoint(snapshot(step - 1));
        return { status: 'stopped', step: step - 1 };
      }
      const learningRate = finetuneLearningRate(step, config);
      const batch = stream.next();
      const started = performance.now();
      const result = trainStep(model, optimizer, batch, learningRate, session.training.pretrain.gradClipNorm);
      const seconds = (performance.now() - started) / 1000;
      monitor = checkDivergence(monitor, result.loss, `${phase} step ${step}`);
      await session.recordStep(phase, step, result, learningRate, {
        tokens: realTokens(batch),
        examples: batch.batchSize,
        flops: batch.batchSize * trainFlopsPerExample(model.shape, { inputLength: batch.inputLength, targetLength: batch.targetLength }),
        seconds,
      });
      if (step % session.training.checkpointEvery === 0 && step !== last) await session.checkpoint(snapshot(step));
    }

    const endStep = Math.max(last, first - 1);
    evaluateTask(session, model, task, phase, endStep, config.batchSize);
    await session.checkpoint(snapshot(endStep));
    return { status: 'completed' };
  } finally {
    optimizer.dispose();
  }
}

/** Fresh start from the base weights, or the exact state of a mid-task checkpoint. */
function startTask(inputs: FinetuneInputs, optimizer: ReturnType<typeof createOptimizer>, batchSize: number, first: number): {
  stream: ExampleStream; startStep: number; monitor: MonitorState;
} {
  const { model, task, resume } = inputs;
  if (resume === undefined) {
    model.setWeights(inputs.baseWeights);
    return { stream: new ExampleStream(task, batchSize, inputs.seed), startStep: first - 1, monitor: freshMonitorState() };
  }
  const parsed = FinetuneDataStateSchema.safeParse(resume.dataState);
  if (!parsed.success || parsed.data.task !== task.name) {
    throw new ShapesweepError('CHECKPOINT_INVALID', `The checkpoint's finetuning data state does not belong to task ${task.name}`, {
      details: parsed.success ? [`dataState.task: ${parsed.data.task}`] : parsed.error.issues.map((i) => `dataState.${i.path.join('.')}: ${i.message}`),
    });
  }
  model.setWeights(resume.weights);
  optimizer.importState(resume.optimizer);
  const stream = new ExampleStream(task, batchSize, inputs.seed, { epoch: parsed.data.epoch, offset: parsed.data.offset });
  return { stream, startStep: resume.step, monitor: resume.monitor };
}

/** Rank classification on the validation examples; records the scores (accuracy, and macro-F1 where asked). */
function evaluateTask(session: TrainingSession, model: T5Model, task: EncodedTask, phase: Phase, step: number, batchSize: number): void {
  const predictions = rankClassify((batches) => scoreCandidates(model, batches), task, batchSize);
  const gold = Int32Array.from(task.validation, (e) => e.label);
  const scores = classificationScores(predictions, gold, task.labels.length);
  const values: Record<string, number> = { accuracy: scores.accuracy };
  if (task.metrics.includes('macro_f1')) values['macro_f1'] = scores.macroF1;
  for (const [metric, value] of Object.entries(values)) session.scores.push({ task: task.name, metric, value, step });
  session.metrics.add(phase, step, values);
  session.log(`${phase} step ${step}: ${Object.entries(values).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')} on ${gold.length} examples`);
}
