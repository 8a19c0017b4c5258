// T5 multi-head attention: bias-free Q/K/V/O projections of inner width nh·kv, scores without the 1/sqrt(kv) factor
// (T5 folds it into Q's initialisation), an additive score term (position bias and masks), softmax over keys.
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from '../ops/batch-matmul.js';
import { linear } from '../ops/linear.js';

/** Projection weights of one attention sub-layer: q, k, v [dm, nh·kv]; o [nh·kv, dm]. */
export interface AttentionWeights {
  q: tf.Tensor2D;
  k: tf.Tensor2D;
  v: tf.Tensor2D;
  o: tf.Tensor2D;
}

export interface AttentionDims {
  batch: number;
  queryLength: number;
  keyLength: number;
  heads: number;
  headWidth: number;
}

/** [batch·len, nh·kv] → [batch·nh, len, kv], or [batch·nh, kv, len] when `keysLast` (a pre-transposed Kᵀ). */
function splitHeads(x: tf.Tensor2D, batch: number, length: number, heads: number, width: number, keysLast: boolean): tf.Tensor3D {
  const x4 = tf.reshape(x, [batch, length, heads, width]);
  return keysLast
    ? tf.reshape(tf.transpose(x4, [0, 2, 3, 1]), [batch * heads, width, length])
    : tf.reshape(tf.transpose(x4, [0, 2, 1, 3]), [batch * heads, length, width]);
}

/**
 * Attention of queries xq [batch·q, dm] over keys/values xkv [batch·k, dm] (both already normalised), plus
 * `scoreBias` broadcastable to [batch, nh, q, k]; returns [batch·q, dm].
 * Kᵀ is produced directly by the head-split transpose, so both score products are plain batched matmuls.
 */
export function multiHeadAttention(
  w: AttentionWeights, xq: tf.Tensor2D, xkv: tf.Tensor2D, dims: AttentionDims, scoreBias: tf.Tensor,
): tf.Tensor2D {
  const { batch, queryLength, keyLength, heads, headWidth } = dims;
  const q = splitHeads(linear(xq, w.q), batch, queryLength, heads, headWidth, false);
  const kT = splitHeads(linear(xkv, w.k), batch, keyLength, heads, headWidth, true);
  const v = splitHeads(linear(xkv, w.v), batch, keyLength, heads, headWidth, false);
  const scores = tf.add(tf.reshape(batchMatMul(q, kT), [batch, heads, queryLength, keyLength]), scoreBias);
  const weights = tf.reshape(tf.softmax(scores), [batch * heads, queryLength, keyLength]) as tf.Tensor3D;
  const context = tf.reshape(batchMatMul(weights, v), [batch, heads, queryLength, headWidth]);
  const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * queryLength, heads * headWidth]) as tf.Tensor2D;
  return linear(merged, w.o);
}
