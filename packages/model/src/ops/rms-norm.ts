// T5 layer norm: scale only, no mean subtraction, no bias: y = x / sqrt(mean(x²) + eps) · scale.
import * as tf from '@tensorflow/tfjs-core';

/** T5's epsilon inside the square root. */
export const RMS_NORM_EPSILON = 1e-6;

/** RMS-normalises the last axis of `x` and multiplies by `scale` [d]. */
export function rmsNorm<T extends tf.Tensor>(x: T, scale: tf.Tensor1D, epsilon = RMS_NORM_EPSILON): T {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, epsilon))), scale) as T;
}
