// Softmax cross-entropy per token, float32, with a fused gradient (softmax − one-hot)·dy.
// Label one-hots are scattered (tf.scatterND), never built with tf.oneHot: the WASM OneHot kernel writes int32 bit
// patterns into float32 outputs, which makes a cross-entropy silently ≈ 0.
import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-grad.js';

/**
 * [n, vocab] float32 one-hot rows for `ids` [n] (int32), as a scatter of n ones into zeros: O(n) writes plus the
 * zero fill (a vocabulary-wide compare costs a broadcast pass over n·vocab elements, ≈ 10× slower on WASM).
 */
export function oneHotRows(ids: tf.Tensor1D, vocab: number): tf.Tensor2D {
  return scatterRows(ids, tf.ones([ids.shape[0]]), vocab);
}

/** [n, vocab] zeros with `values[i]` at (i, ids[i]). */
function scatterRows(ids: tf.Tensor1D, values: tf.Tensor1D, vocab: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = ids.shape[0];
    const rows = tf.range(0, n, 1, 'int32');
    const positions = tf.stack([rows, ids], 1);
    return tf.scatterND(positions, values, [n, vocab]) as tf.Tensor2D;
  });
}

/**
 * Negative log-likelihood of `targets` [n] (int32) under `logits` [n, vocab]: −log softmax(logits)[target], shape [n],
 * in float32. Padding is not masked here; callers weight by the target mask.
 */
export function tokenNll(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const [n, vocab] = logits.shape;
  const nll = customGradient<[tf.Tensor2D], tf.Tensor1D>(([l], save) => {
    // The loss is computed in float32 whatever the logits' dtype (a no-op for float32 logits).
    const logits32 = l.dtype === 'float32' ? l : tf.cast(l, 'float32');
    const rowMax = tf.max(logits32, 1, true);
    // exp(l − max) is kept for the backward pass: softmax = e / Σe there, one multiply instead of a second exp over
    // the [n, vocab] matrix (WASM's Exp is scalar, the largest elementwise cost at small widths).
    const shiftedExp = tf.exp(tf.sub(logits32, rowMax));
    const expSum = tf.sum(shiftedExp, 1, true);
    const logSumExp = tf.add(tf.log(expSum), rowMax) as tf.Tensor2D;
    // Pick logits[i, targets[i]] from the flattened matrix: n reads instead of an n×vocab mask product.
    const flatIndex = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocab, 'int32')), targets);
    const targetLogit = tf.gather(tf.reshape(logits32, [-1]), flatIndex);
    save([shiftedExp, expSum, targets]);
    return {
      value: tf.sub(tf.reshape(logSumExp, [-1]), targetLogit) as tf.Tensor1D,
      gradFunc: (dy, saved) => {
        const [e, total, ts] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        // d nll_i / d logits_ij = softmax_ij − [j = target_i], scaled by dy_i.
        const scale = tf.div(tf.reshape(dy, [-1, 1]), total);
        return [tf.sub(tf.mul(e, scale), scatterRows(ts, dy, vocab))];
      },
    };
  });
  return nll(logits);
}
