// Span-corruption pretraining, steps 1..P of a cell. The loop reads top to bottom: stop? → schedule → step →
// divergence check → log → eval → checkpoint.
import { performance } from 'node:perf_hooks';
import { trainFlopsPerExample } from '@shapesweep/shapes';
import type { MonitorState } from '../checkpoint/checkpoint.js';
import type { Optimizer } from '../optim/optimizer.js';
import { pretrainLearningRate } from '../optim/schedule.js';
import type { T5Model } from '../t5/model.js';
import { checkDivergence } from './divergence.js';
import type { TrainingSession } from './session.js';
import { evaluateLoss, realTokens, trainStep, type HostBatch } from './step.js';

export const PRETRAIN_PHASE = 'pretrain';

/** A batch source whose position can be saved (packages/data SpanCorruptionStream). */
export interface BatchStream {
  next(): HostBatch;
  state(): unknown;
}

export interface PretrainInputs {
  readonly model: T5Model;
  readonly optimizer: Optimizer;
  readonly stream: BatchStream;
  /** Fixed held-out batches for eval loss. */
  readonly heldout: readonly HostBatch[];
  /** Last completed step (0 for a fresh run). */
  readonly startStep: number;
  readonly monitor: MonitorState;
}

export type PhaseOutcome = { readonly status: 'completed' } | { readonly status: 'stopped'; readonly step: number };

export async function pretrain(session: TrainingSession, inputs: PretrainInputs): Promise<PhaseOutcome> {
  const config = session.training.pretrain;
  const { model, optimizer, stream, heldout } = inputs;
  let monitor = inputs.monitor;
  const snapshot = (step: number) => ({ phase: PRETRAIN_PHASE, step, optimizer, dataState: stream.state(), monitor, baseWeights: null });

  for (let step = inputs.startStep + 1; step <= config.steps; step++) {
    if (session.shouldStop()) {
      await session.checkpoint(snapshot(step - 1));
      return { status: 'stopped', step: step - 1 };
    }
    const learningRate = pretrainLearningRate(step, config);
    const batch = stream.next();
    const started = performance.now();
    const result = trainStep(model, optimizer, batch, learningRate, config.gradClipNorm);
    const seconds = (performance.now() - started) / 1000;
    monitor = checkDivergence(monitor, result.loss, `pretrain step ${step}`);
    await session.recordStep(PRETRAIN_PHASE, step, result, learningRate, {
      tokens: realTokens(batch),
      examples: batch.batchSize,
      flops: batch.batchSize * trainFlopsPerExample(model.shape, { inputLength: batch.inputLength, targetLength: batch.targetLength }),
      seconds,
    });
    if (step % config.evalEvery === 0 || step === config.steps) evaluate(session, model, heldout, step);
    if (step % session.training.checkpointEvery === 0 || step === config.steps) await session.checkpoint(snapshot(step));
  }
  return { status: 'completed' };
}

/** Eval loss per target token on the held-out batches; the last one is the run's upstream score. */
function evaluate(session: TrainingSession, model: T5Model, heldout: readonly HostBatch[], step: number): void {
  const evalLoss = evaluateLoss(model, heldout);
  checkDivergence({ steps: 0, smoothedLoss: null, bestSmoothedLoss: null }, evalLoss, `evaluation at pretrain step ${step}`);
  const negLogPerplexity = -evalLoss;
  session.metrics.add(PRETRAIN_PHASE, step, { eval_loss: evalLoss, neg_log_perplexity: negLogPerplexity });
  if (step === session.training.pretrain.steps) session.pretrainEval = { step, evalLoss, negLogPerplexity };
  session.log(`pretrain step ${step}: eval_loss ${evalLoss.toFixed(4)} (neg_log_perplexity ${negLogPerplexity.toFixed(4)})`);
}
