// One optimizer step and one loss evaluation, on batches that live in host memory (Int32Array/Float32Array, as the
// data package produces them). Every tensor made here is freed before returning: the leak test counts them.
import * as tf from '@tensorflow/tfjs-core';
import type { T5Batch, T5Model } from '../t5/model.js';
import { clipByGlobalNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';

/** A batch in host memory, row-major [batchSize, length] arrays. */
export interface HostBatch {
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly encoderInput: Int32Array;
  readonly decoderInput: Int32Array;
  readonly decoderTarget: Int32Array;
  readonly targetMask: Float32Array;
}

/** Real (non-padding) tokens of a batch: encoder ids ≠ pad plus target positions with mask 1. */
export function realTokens(batch: HostBatch, padId = 0): number {
  let tokens = 0;
  for (const id of batch.encoderInput) if (id !== padId) tokens++;
  for (const m of batch.targetMask) tokens += m;
  return tokens;
}

export function toTensors(batch: HostBatch): T5Batch {
  return { encoderInput: tf.tensor2d(batch.encoderInput, [batch.batchSize, batch.inputLength], 'int32'), ...targetTensors(batch) };
}

/** The decoder half of a batch as tensors. */
function targetTensors(batch: HostBatch): Omit<T5Batch, 'encoderInput'> {
  const { batchSize: b, targetLength: lt } = batch;
  return {
    decoderInput: tf.tensor2d(batch.decoderInput, [b, lt], 'int32'),
    decoderTarget: tf.tensor2d(batch.decoderTarget, [b, lt], 'int32'),
    targetMask: tf.tensor2d(batch.targetMask, [b, lt], 'float32'),
  };
}

function disposeBatch(batch: T5Batch): void {
  tf.dispose([batch.encoderInput, batch.decoderInput, batch.decoderTarget, batch.targetMask]);
}

export interface StepResult {
  /** Mean cross-entropy per real target token, before the update. */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** False when the loss or the gradient was not finite: the update was skipped (the caller stops the run). */
  readonly applied: boolean;
}

/**
 * Forward, backward, global-norm clip (`gradClipNorm` 0 disables), and one optimizer update at `learningRate`.
 * Reads back two scalars (loss and gradient norm); a non-finite one skips the update so no NaN reaches the weights.
 */
export function trainStep(model: T5Model, optimizer: Optimizer, batch: HostBatch, learningRate: number, gradClipNorm: number): StepResult {
  const tensors = toTensors(batch);
  try {
    const { value, grads } = tf.variableGrads(() => model.loss(tensors), model.trainableVariables());
    // variableGrads keys gradients by the engine-wide variable name; the optimizer knows the model's own names.
    const byName = new Map<string, tf.Tensor>();
    for (const [name, variable] of model.variables) {
      const g = grads[variable.name];
      if (g !== undefined) byName.set(name, g);
    }
    const clipped = clipByGlobalNorm(byName, gradClipNorm);
    const loss = value.dataSync()[0] ?? Number.NaN;
    value.dispose();
    const applied = Number.isFinite(loss) && Number.isFinite(clipped.norm);
    if (applied) optimizer.apply(clipped.grads, learningRate);
    tf.dispose([...clipped.grads.values()]);
    return { loss, gradNorm: clipped.norm, applied };
  } finally {
    disposeBatch(tensors);
  }
}

/** Mean loss per real target token over `batches` (token-weighted, so batches with more targets count more). */
export function evaluateLoss(model: T5Model, batches: readonly HostBatch[]): number {
  let weighted = 0;
  let tokens = 0;
  for (const batch of batches) {
    const targetTokens = batch.targetMask.reduce((a, b) => a + b, 0);
    const tensors = toTensors(batch);
    const loss = model.loss(tensors);
    weighted += (loss.dataSync()[0] ?? Number.NaN) * targetTokens;
    tokens += targetTokens;
    loss.dispose();
    disposeBatch(tensors);
  }
  return tokens === 0 ? Number.NaN : weighted / tokens;
}

/** Per-example sum of target log-probabilities (rank classification scores). */
/**
 * scoreSequences of batches that hold the same inputs (same encoderInput) with different targets: the encoder runs
 * once for all of them (rank classification scores every label of a task against one chunk of examples).
 */
export function scoreCandidates(model: T5Model, batches: readonly HostBatch[]): Float32Array[] {
  const first = batches[0];
  if (first === undefined) return [];
  const encoderInput = tf.tensor2d(first.encoderInput, [first.batchSize, first.inputLength], 'int32');
  const tensors = batches.map((batch): T5Batch => ({ encoderInput, ...targetTensors(batch) }));
  try {
    const lls = model.sequenceLogLikelihoods(tensors);
    const values = lls.map((ll) => Float32Array.from(ll.dataSync() as Float32Array));
    tf.dispose(lls);
    return values;
  } finally {
    for (const t of tensors) tf.dispose([t.decoderInput, t.decoderTarget, t.targetMask]);
    encoderInput.dispose();
  }
}

export function scoreSequences(model: T5Model, batch: HostBatch): Float32Array {
  const tensors = toTensors(batch);
  try {
    const ll = model.sequenceLogLikelihood(tensors);
    const values = Float32Array.from(ll.dataSync() as Float32Array);
    ll.dispose();
    return values;
  } finally {
    disposeBatch(tensors);
  }
}
