// Exact parameter and FLOP accounting for the T5 v1.0 encoder-decoder of PAPER.md:
//   - tied input/output embedding V·DM, counted once;
//   - RMS norm with a scale only (DM weights) before every sub-layer, one final norm per stack;
//   - attention Q, K, V, O without bias, inner width A = NH·KV, so 4·DM·A weights per attention;
//   - FFN DM→FF→DM without bias (2·DM·FF), ReLU, not gated;
//   - relative position bias: 32 buckets × NH per stack, learned once (first layer), shared by its layers;
//   - no biases anywhere.
// The model package builds exactly these weights; its test compares this count with the built model.

import { ShapeError } from './errors.js';
import type { Shape } from './shape.js';

/** Longest sequence accepted by the FLOP functions (tokens). */
export const MAX_SEQUENCE_LENGTH = 1_048_576;

function checkLengths(lengths: SequenceLengths): void {
  for (const field of ['inputLength', 'targetLength'] as const) {
    const value = lengths[field];
    if (!Number.isInteger(value) || value < 1 || value > MAX_SEQUENCE_LENGTH) {
      throw new ShapeError('SHAPE_INVALID', field, value, `${field} must be an integer in [1, ${MAX_SEQUENCE_LENGTH}], got ${String(value)}`);
    }
  }
}

/** Relative-position buckets per stack (T5 default). */
export const RELATIVE_ATTENTION_BUCKETS = 32;

/** Parameter counts of a shape. Every field is an exact integer. */
export interface ParamCounts {
  /** embedding + encoder + decoder. */
  readonly params: number;
  /** The tied embedding V·DM (also the output projection). */
  readonly embeddingParams: number;
  /** encoderParams + decoderParams. */
  readonly nonEmbeddingParams: number;
  /** Encoder layers + its position-bias table + its final norm. */
  readonly encoderParams: number;
  /** Decoder layers + its position-bias table + its final norm. */
  readonly decoderParams: number;
}

/** Weights of one encoder layer: self-attention (4·DM·A), FFN (2·DM·FF), 2 norm scales (2·DM). */
export function encoderLayerParams(shape: Shape): number {
  const attnInner = shape.nh * shape.kv;
  return 4 * shape.dm * attnInner + 2 * shape.dm * shape.ff + 2 * shape.dm;
}

/** Weights of one decoder layer: self- and cross-attention (2 × 4·DM·A), FFN (2·DM·FF), 3 norm scales (3·DM). */
export function decoderLayerParams(shape: Shape): number {
  const attnInner = shape.nh * shape.kv;
  return 8 * shape.dm * attnInner + 2 * shape.dm * shape.ff + 3 * shape.dm;
}

/** Weights that belong to a stack once, whatever its depth: position-bias table 32·NH + final norm DM. */
export function stackFixedParams(shape: Shape): number {
  return RELATIVE_ATTENTION_BUCKETS * shape.nh + shape.dm;
}

/** Exact parameter counts (see the file header for the architecture). */
export function countParams(shape: Shape): ParamCounts {
  const embeddingParams = shape.vocab * shape.dm;
  const encoderParams = shape.el * encoderLayerParams(shape) + stackFixedParams(shape);
  const decoderParams = shape.dl * decoderLayerParams(shape) + stackFixedParams(shape);
  const nonEmbeddingParams = encoderParams + decoderParams;
  return {
    params: embeddingParams + nonEmbeddingParams,
    embeddingParams,
    nonEmbeddingParams,
    encoderParams,
    decoderParams,
  };
}

/** Sequence lengths of one example, in tokens. */
export interface SequenceLengths {
  /** Encoder input tokens (L_in). */
  readonly inputLength: number;
  /** Decoder target tokens (L_tgt). */
  readonly targetLength: number;
}

/** Forward FLOPs of one example, by term. Sum of the terms is `total`. */
export interface ForwardFlops {
  /** 2 FLOPs per weight per position it is applied to (matmuls; norm scales and bias tables included). */
  readonly weights: number;
  /** Encoder self-attention scores and mixing: QKᵀ and A·V over all L_in keys. */
  readonly encoderAttention: number;
  /** Decoder causal self-attention: target position t sees t+1 keys. */
  readonly decoderSelfAttention: number;
  /** Decoder cross-attention over the L_in encoder positions. */
  readonly crossAttention: number;
  /** Tied output projection to the vocabulary: 2·DM·V per target token. */
  readonly outputProjection: number;
  readonly total: number;
}

/**
 * Forward FLOPs of one example (a multiply-add is 2 FLOPs).
 *
 * Weights: every encoder weight is applied at L_in positions; every decoder weight at L_tgt positions, except the
 * cross-attention K and V projections (2·DM·A per decoder layer), which project the encoder output and so run at L_in
 * positions. Norm scales and the position-bias table are counted like matmul weights (2 FLOPs per weight per
 * position): a < 0.1% overcount kept so that the weight term is exactly 2·N per token.
 *
 * Attention scores: QKᵀ and the weighted sum over V each cost 2·A FLOPs per (query, key) pair, so 4·A per pair.
 * Encoder: L_in² pairs per layer. Decoder self-attention is causal and counted exactly: Σ_{t=1..L_tgt} t =
 * L_tgt(L_tgt+1)/2 pairs (not L_tgt², which would count masked keys). Cross-attention: L_tgt·L_in pairs.
 *
 * Output projection: 2·DM·V per target token (the tied embedding matrix). Embedding lookups, softmax, ReLU, norm
 * statistics and the loss are not counted (lower order).
 *
 * For `base` at vocab 32128 and 512/114 this gives 141,770,580,480 forward, ×3 = 425.3 GFLOPs per training example
 * (PAPER.md: ≈425; the naive 6·N·(L_in+L_tgt) would say ≈744).
 */
export function forwardFlops(shape: Shape, lengths: SequenceLengths): ForwardFlops {
  return forwardFlopsWithCounts(shape, countParams(shape), lengths);
}

function forwardFlopsWithCounts(shape: Shape, counts: ParamCounts, lengths: SequenceLengths): ForwardFlops {
  checkLengths(lengths);
  const { inputLength: li, targetLength: lt } = lengths;
  const attnInner = shape.nh * shape.kv;
  const crossKvParams = shape.dl * 2 * shape.dm * attnInner;
  const weights = 2 * (counts.encoderParams * li + (counts.decoderParams - crossKvParams) * lt + crossKvParams * li);
  const perPair = 4 * attnInner;
  const encoderAttention = shape.el * perPair * li * li;
  const decoderSelfAttention = shape.dl * perPair * ((lt * (lt + 1)) / 2);
  const crossAttention = shape.dl * perPair * lt * li;
  const outputProjection = 2 * shape.dm * shape.vocab * lt;
  return {
    weights,
    encoderAttention,
    decoderSelfAttention,
    crossAttention,
    outputProjection,
    total: weights + encoderAttention + decoderSelfAttention + crossAttention + outputProjection,
  };
}

/** Training FLOPs per forward FLOP: forward + backward (≈2× forward for activations and weights). */
export const TRAIN_FLOPS_MULTIPLIER = 3;

/** Training FLOPs of one example: 3 × forward. */
export function trainFlopsPerExample(shape: Shape, lengths: SequenceLengths): number {
  return TRAIN_FLOPS_MULTIPLIER * forwardFlops(shape, lengths).total;
}

/** FLOPs per processed token, where an example processes L_in + L_tgt tokens (each through its own stack). */
export interface FlopsPerToken {
  readonly forward: number;
  readonly train: number;
}

export function flopsPerToken(shape: Shape, lengths: SequenceLengths): FlopsPerToken {
  const forward = forwardFlops(shape, lengths).total / (lengths.inputLength + lengths.targetLength);
  return { forward, train: TRAIN_FLOPS_MULTIPLIER * forward };
}

/** Everything a planner needs about one shape at one pair of lengths. */
export interface ShapeCost extends ParamCounts {
  readonly inputLength: number;
  readonly targetLength: number;
  readonly forwardFlopsPerExample: number;
  readonly trainFlopsPerExample: number;
}

export function shapeCost(shape: Shape, lengths: SequenceLengths): ShapeCost {
  const counts = countParams(shape);
  const forward = forwardFlopsWithCounts(shape, counts, lengths).total;
  return {
    ...counts,
    inputLength: lengths.inputLength,
    targetLength: lengths.targetLength,
    forwardFlopsPerExample: forward,
    trainFlopsPerExample: TRAIN_FLOPS_MULTIPLIER * forward,
  };
}
