// The T5 v1.0 encoder–decoder of PAPER.md, written against tfjs-core ops:
//   tied input/output embedding; pre-norm blocks x = x + attn(norm(x)); x = x + ffn(norm(x)); RMS norm (scale only);
//   bias-free Q/K/V/O of inner width nh·kv, no 1/sqrt(kv) score scaling (T5 folds it into the Q initialisation);
//   relative position bias (32 buckets × nh) learned once per stack in its first layer and shared by all its layers,
//   bidirectional in the encoder, causal in decoder self-attention, none in cross-attention; ReLU FFN dm→ff→dm;
//   a final RMS norm per stack; the decoder output scaled by dm^-0.5 before the tied projection.
import * as tf from '@tensorflow/tfjs-core';
import { ShapesweepError } from '@shapesweep/contract';
import { tokenNll } from '../ops/cross-entropy.js';
import { embeddingLookup } from '../ops/embedding.js';
import { registerModelGradients } from '../ops/gradients.js';
import { linear, linearTransposed } from '../ops/linear.js';
import { rmsNorm } from '../ops/rms-norm.js';
import { multiHeadAttention, type AttentionWeights } from './attention.js';
import { seededNormal } from './init.js';
import { bucketOneHot } from './relative-position.js';
import { parseT5Shape, RELATIVE_BUCKETS, t5ParamCount, type T5Shape } from './shape.js';

/** The pad id; encoder keys with this id are masked out. Also T5's decoder start token. */
export const PAD_ID = 0;
/** Additive score for masked keys: exp(−1e9) is exactly 0 in float32 while staying finite (no NaN rows). */
const MASKED_SCORE = -1e9;

/** One training/eval batch. All [batch, length]; targets and mask share the decoder input's shape. */
export interface T5Batch {
  /** Encoder token ids, int32, padded with 0. */
  encoderInput: tf.Tensor2D;
  /** Decoder input ids (targets shifted right, starting with 0), int32. */
  decoderInput: tf.Tensor2D;
  /** Target ids, int32. */
  decoderTarget: tf.Tensor2D;
  /** 1 for real target tokens, 0 for padding, float32. */
  targetMask: tf.Tensor2D;
}

export interface T5Options {
  /** Seed of the initial weights; equal seeds give bit-identical weights on every backend. */
  seed: number;
}

export interface T5Model {
  readonly shape: T5Shape;
  /** Every variable by its stable name (`shared.embedding`, `encoder.block.3.attn.q`, …). */
  readonly variables: Map<string, tf.Variable>;
  /** The trainable variables in a stable order (the order of `variables`). */
  trainableVariables(): tf.Variable[];
  /** Total trainable weights (equals the shapes package's params for this shape). */
  paramCount(): number;
  /** Logits [batch, targetLength, vocab] (float32). Caller disposes. */
  forward(batch: T5Batch): tf.Tensor3D;
  /** Mean cross-entropy per real target token (float32 scalar). Differentiable w.r.t. the variables. */
  loss(batch: T5Batch): tf.Scalar;
  /** Sum of target-token log-probabilities per example over real tokens, [batch] (rank classification). */
  sequenceLogLikelihood(batch: T5Batch): tf.Tensor1D;
  /**
   * sequenceLogLikelihood of several batches that share one encoderInput tensor (the same inputs scored against
   * each candidate target): the encoder runs once for all of them. Caller disposes the results.
   */
  sequenceLogLikelihoods(batches: readonly T5Batch[]): tf.Tensor1D[];
  /** Copies of every weight by name. */
  getWeights(): Map<string, Float32Array>;
  /** Overwrites every weight; names and sizes must match exactly (CHECKPOINT_INVALID otherwise). */
  setWeights(weights: ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>): void;
  /** Frees the variables and cached constants. */
  dispose(): void;
}

interface AttentionParams {
  norm: tf.Variable;
  q: tf.Variable;
  k: tf.Variable;
  v: tf.Variable;
  o: tf.Variable;
}
interface FfnParams {
  norm: tf.Variable;
  wi: tf.Variable;
  wo: tf.Variable;
}
interface EncoderBlock {
  attn: AttentionParams;
  ffn: FfnParams;
}
interface DecoderBlock {
  selfAttn: AttentionParams;
  crossAttn: AttentionParams;
  ffn: FfnParams;
}

// tf.Variable names are global to the engine: a per-model prefix lets several models (and tests) coexist.
let modelCounter = 0;

/** Builds a T5 model with seeded T5-style initialisation (Mesh TF / HF T5 scales). */
export function createT5(shapeInput: T5Shape, options: T5Options): T5Model {
  const shape = parseT5Shape(shapeInput);
  registerModelGradients();
  const { dm, ff, nh, kv, vocab } = shape;
  const inner = nh * kv;
  const prefix = `t5_${++modelCounter}`;
  const variables = new Map<string, tf.Variable>();

  const make = (name: string, dims: number[], stddev: number | 'ones'): tf.Variable => {
    const size = dims.reduce((a, b) => a * b, 1);
    const values = stddev === 'ones' ? new Float32Array(size).fill(1) : seededNormal(options.seed, name, size, stddev);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, dims, 'float32'), true, `${prefix}/${name}`));
    variables.set(name, variable);
    return variable;
  };
  // T5 init: q ~ N(0, (dm·kv)^-1) absorbs the missing 1/sqrt(kv); k, v, wi ~ N(0, 1/dm); o ~ N(0, 1/(nh·kv));
  // wo ~ N(0, 1/ff); the tied embedding ~ N(0, 1); relative bias ~ N(0, 1/dm); norms start at 1.
  const attention = (name: string): AttentionParams => ({
    norm: make(`${name}.norm`, [dm], 'ones'),
    q: make(`${name}.q`, [dm, inner], (dm * kv) ** -0.5),
    k: make(`${name}.k`, [dm, inner], dm ** -0.5),
    v: make(`${name}.v`, [dm, inner], dm ** -0.5),
    o: make(`${name}.o`, [inner, dm], inner ** -0.5),
  });
  const ffnParams = (name: string): FfnParams => ({
    norm: make(`${name}.norm`, [dm], 'ones'),
    wi: make(`${name}.wi`, [dm, ff], dm ** -0.5),
    wo: make(`${name}.wo`, [ff, dm], ff ** -0.5),
  });

  const embedding = make('shared.embedding', [vocab, dm], 1);
  const encoderBias = make('encoder.block.0.attn.relative_bias', [RELATIVE_BUCKETS, nh], dm ** -0.5);
  const encoder: EncoderBlock[] = [];
  for (let i = 0; i < shape.el; i++) {
    encoder.push({ attn: attention(`encoder.block.${i}.attn`), ffn: ffnParams(`encoder.block.${i}.ffn`) });
  }
  const encoderFinalNorm = make('encoder.final_norm', [dm], 'ones');
  const decoderBias = make('decoder.block.0.self_attn.relative_bias', [RELATIVE_BUCKETS, nh], dm ** -0.5);
  const decoder: DecoderBlock[] = [];
  for (let i = 0; i < shape.dl; i++) {
    decoder.push({
      selfAttn: attention(`decoder.block.${i}.self_attn`),
      crossAttn: attention(`decoder.block.${i}.cross_attn`),
      ffn: ffnParams(`decoder.block.${i}.ffn`),
    });
  }
  const decoderFinalNorm = make('decoder.final_norm', [dm], 'ones');

  // Constants that depend only on sequence lengths, kept across steps (freed by dispose()).
  const constants = new Map<string, tf.Tensor>();
  const constant = (key: string, build: () => tf.Tensor): tf.Tensor => {
    let t = constants.get(key);
    if (t === undefined) {
      t = tf.keep(tf.tidy(build));
      constants.set(key, t);
    }
    return t;
  };

  /** Relative position bias [1, nh, q, k] from a stack's [32, nh] table (a one-hot product: plain matmuls). */
  const positionBias = (table: tf.Variable, queryLength: number, keyLength: number, bidirectional: boolean): tf.Tensor4D => {
    const oneHot = constant(`buckets:${queryLength}:${keyLength}:${bidirectional}`, () =>
      tf.tensor2d(bucketOneHot(queryLength, keyLength, bidirectional), [queryLength * keyLength, RELATIVE_BUCKETS]),
    ) as tf.Tensor2D;
    const perPair = linear(oneHot, table as unknown as tf.Tensor2D); // [q·k, nh]
    return tf.reshape(tf.transpose(perPair), [1, nh, queryLength, keyLength]);
  };

  const causalMask = (length: number): tf.Tensor4D =>
    constant(`causal:${length}`, () => {
      const values = new Float32Array(length * length);
      for (let q = 0; q < length; q++) for (let k = q + 1; k < length; k++) values[q * length + k] = MASKED_SCORE;
      return tf.tensor4d(values, [1, 1, length, length]);
    }) as tf.Tensor4D;

  /** [batch, 1, 1, keys] additive mask: MASKED_SCORE where the key is padding. */
  const paddingMask = (ids: tf.Tensor2D): tf.Tensor4D => {
    const [b, t] = ids.shape;
    const isPad = tf.cast(tf.equal(ids, tf.scalar(PAD_ID, 'int32')), 'float32');
    return tf.reshape(tf.mul(isPad, tf.scalar(MASKED_SCORE)), [b, 1, 1, t]);
  };

  const attend = (
    p: AttentionParams, xq: tf.Tensor2D, xkv: tf.Tensor2D, batch: number, queryLength: number, keyLength: number,
    scoreBias: tf.Tensor4D,
  ): tf.Tensor2D =>
    multiHeadAttention(p as unknown as AttentionWeights, xq, xkv, { batch, queryLength, keyLength, heads: nh, headWidth: kv }, scoreBias);

  const feedForward = (p: FfnParams, x: tf.Tensor2D): tf.Tensor2D =>
    linear(tf.relu(linear(x, p.wi as unknown as tf.Tensor2D)), p.wo as unknown as tf.Tensor2D);

  /** The encoder's output memory [batch·inputLength, dm] and its key padding mask, for decodeFrom. */
  const encode = (encoderInput: tf.Tensor2D): { memory: tf.Tensor2D; encoderKeyMask: tf.Tensor4D } => {
    const [b, inputLength] = encoderInput.shape;
    const table = embedding as unknown as tf.Tensor2D;
    // Bidirectional position bias and the key padding mask, computed once and shared by all layers.
    let x = embeddingLookup(table, tf.reshape(encoderInput, [-1]) as tf.Tensor1D);
    const encoderKeyMask = paddingMask(encoderInput);
    const encoderScoreBias = tf.add(positionBias(encoderBias, inputLength, inputLength, true), encoderKeyMask) as tf.Tensor4D;
    for (const block of encoder) {
      const h = rmsNorm(x, block.attn.norm as unknown as tf.Tensor1D);
      x = tf.add(x, attend(block.attn, h, h, b, inputLength, inputLength, encoderScoreBias));
      x = tf.add(x, feedForward(block.ffn, rmsNorm(x, block.ffn.norm as unknown as tf.Tensor1D)));
    }
    return { memory: rmsNorm(x, encoderFinalNorm as unknown as tf.Tensor1D), encoderKeyMask };
  };

  /** Decoder hidden states [batch·targetLength, dm] after the final norm and the dm^-0.5 rescale. */
  const decodeFrom = (encoded: ReturnType<typeof encode>, batch: T5Batch): tf.Tensor2D => {
    const { memory, encoderKeyMask } = encoded;
    const [b, inputLength] = batch.encoderInput.shape;
    const targetLength = batch.decoderInput.shape[1];
    const table = embedding as unknown as tf.Tensor2D;
    // Causal position bias in self-attention; cross-attention sees non-pad encoder positions, no bias.
    let y = embeddingLookup(table, tf.reshape(batch.decoderInput, [-1]) as tf.Tensor1D);
    const selfScoreBias = tf.add(positionBias(decoderBias, targetLength, targetLength, false), causalMask(targetLength)) as tf.Tensor4D;
    for (const block of decoder) {
      const h = rmsNorm(y, block.selfAttn.norm as unknown as tf.Tensor1D);
      y = tf.add(y, attend(block.selfAttn, h, h, b, targetLength, targetLength, selfScoreBias));
      const c = rmsNorm(y, block.crossAttn.norm as unknown as tf.Tensor1D);
      y = tf.add(y, attend(block.crossAttn, c, memory, b, targetLength, inputLength, encoderKeyMask));
      y = tf.add(y, feedForward(block.ffn, rmsNorm(y, block.ffn.norm as unknown as tf.Tensor1D)));
    }
    // T5 v1.0 scales the decoder output by dm^-0.5 before the tied projection.
    return tf.mul(rmsNorm(y, decoderFinalNorm as unknown as tf.Tensor1D), tf.scalar(dm ** -0.5));
  };

  const logits2d = (batch: T5Batch, encoded?: ReturnType<typeof encode>): tf.Tensor2D => {
    checkBatch(batch);
    return linearTransposed(decodeFrom(encoded ?? encode(batch.encoderInput), batch), embedding as unknown as tf.Tensor2D);
  };

  /** Per-token NLL [batch·targetLength] and the flat mask. */
  const tokenLosses = (batch: T5Batch, encoded?: ReturnType<typeof encode>): { nll: tf.Tensor1D; mask: tf.Tensor1D } => ({
    nll: tokenNll(logits2d(batch, encoded), tf.reshape(batch.decoderTarget, [-1]) as tf.Tensor1D),
    mask: tf.reshape(tf.cast(batch.targetMask, 'float32'), [-1]) as tf.Tensor1D,
  });

  /** Summed log-likelihood of each example's real target tokens, [batch]. */
  const logLikelihood = (batch: T5Batch, encoded?: ReturnType<typeof encode>): tf.Tensor1D => {
    const { nll, mask } = tokenLosses(batch, encoded);
    const [b, t] = batch.decoderTarget.shape;
    return tf.neg(tf.sum(tf.reshape(tf.mul(nll, mask), [b, t]), 1)) as tf.Tensor1D;
  };

  const ordered = (): tf.Variable[] => [...variables.values()];

  const model: T5Model = {
    shape,
    variables,
    trainableVariables: ordered,
    paramCount: () => ordered().reduce((sum, v) => sum + v.size, 0),
    forward: (batch) =>
      tf.tidy(() => {
        const [b, t] = batch.decoderInput.shape;
        return tf.reshape(logits2d(batch), [b, t, vocab]) as tf.Tensor3D;
      }),
    loss: (batch) =>
      tf.tidy(() => {
        const { nll, mask } = tokenLosses(batch);
        // max(·, 1) keeps an all-padding batch at loss 0 instead of NaN.
        return tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), tf.scalar(1))) as tf.Scalar;
      }),
    sequenceLogLikelihood: (batch) => tf.tidy(() => logLikelihood(batch)),
    sequenceLogLikelihoods: (batches) => {
      const shared = batches[0]?.encoderInput;
      if (shared === undefined) return [];
      if (batches.some((b) => b.encoderInput !== shared)) {
        throw new ShapesweepError('INTERNAL', 'sequenceLogLikelihoods: every batch must share one encoderInput tensor');
      }
      return tf.tidy(() => {
        const encoded = encode(shared);
        return batches.map((batch) => logLikelihood(batch, encoded));
      });
    },
    getWeights: () => {
      const out = new Map<string, Float32Array>();
      for (const [name, v] of variables) out.set(name, Float32Array.from(v.dataSync() as Float32Array));
      return out;
    },
    setWeights: (weights) => {
      const lookup = weights instanceof Map ? (n: string) => weights.get(n) : (n: string) => (weights as Record<string, Float32Array>)[n];
      const given = weights instanceof Map ? [...weights.keys()] : Object.keys(weights);
      const problems: string[] = [];
      for (const [name, v] of variables) {
        const w = lookup(name);
        if (w === undefined) problems.push(`${name}: missing`);
        else if (w.length !== v.size) problems.push(`${name}: has ${w.length} values, the model needs ${v.size}`);
      }
      for (const name of given) if (!variables.has(name)) problems.push(`${name}: not a weight of this model`);
      if (problems.length > 0) {
        throw new ShapesweepError('CHECKPOINT_INVALID', `weights do not fit the model: ${problems.slice(0, 5).join('; ')}`, {
          details: problems,
        });
      }
      for (const [name, v] of variables) {
        tf.tidy(() => v.assign(tf.tensor(lookup(name) as Float32Array, v.shape, 'float32')));
      }
    },
    dispose: () => {
      for (const v of variables.values()) v.dispose();
      for (const t of constants.values()) t.dispose();
      constants.clear();
    },
  };
  if (model.paramCount() !== t5ParamCount(shape)) {
    // A construction bug, not a user error: the built model must match the counting rules exactly.
    throw new Error(`T5 built ${model.paramCount()} weights but the counting rules say ${t5ParamCount(shape)}`);
  }
  return model;
}

function checkBatch(batch: T5Batch): void {
  const problems: string[] = [];
  const [b] = batch.encoderInput.shape;
  for (const key of ['encoderInput', 'decoderInput', 'decoderTarget', 'targetMask'] as const) {
    const t = batch[key];
    if (t.rank !== 2) problems.push(`${key}: rank ${t.rank}, expected 2`);
    if (t.shape[0] !== b) problems.push(`${key}: batch ${t.shape[0]}, encoderInput has ${b}`);
    if (key !== 'targetMask' && t.dtype !== 'int32') problems.push(`${key}: dtype ${t.dtype}, expected int32`);
  }
  for (const key of ['decoderTarget', 'targetMask'] as const) {
    if (batch[key].shape[1] !== batch.decoderInput.shape[1]) {
      problems.push(`${key}: length ${batch[key].shape[1]}, decoderInput has ${batch.decoderInput.shape[1]}`);
    }
  }
  if (problems.length > 0) throw new ShapesweepError('VALIDATION_FAILED', `T5 batch is not valid: ${problems.join('; ')}`, { details: problems });
}
