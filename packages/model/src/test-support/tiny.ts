// Tiny shapes and batches for unit tests (seconds on the CPU backend).
import * as tf from '@tensorflow/tfjs-core';
import type { T5Batch } from '../t5/model.js';
import type { T5Shape } from '../t5/shape.js';

/** EL ≠ DL and NH·KV ≠ DM on purpose: shape mix-ups fail loudly. */
export const TINY_SHAPE: T5Shape = { el: 2, dl: 3, dm: 16, ff: 24, nh: 2, kv: 6, vocab: 50 };

/** Three examples: encoder padding in rows 0 and 2, target padding in row 1. */
export function tinyBatch(): T5Batch {
  return {
    encoderInput: tf.tensor2d([[5, 6, 7, 8, 9, 0, 0], [1, 2, 3, 4, 5, 6, 7], [9, 9, 9, 0, 0, 0, 0]], [3, 7], 'int32'),
    decoderInput: tf.tensor2d([[0, 3, 4, 5, 6], [0, 7, 8, 0, 0], [0, 1, 1, 1, 1]], [3, 5], 'int32'),
    decoderTarget: tf.tensor2d([[3, 4, 5, 6, 1], [7, 8, 1, 0, 0], [1, 1, 1, 1, 1]], [3, 5], 'int32'),
    targetMask: tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], [3, 5], 'float32'),
  };
}

export function disposeBatch(batch: T5Batch): void {
  tf.dispose([batch.encoderInput, batch.decoderInput, batch.decoderTarget, batch.targetMask]);
}

/**
 * Central-difference check of a directional derivative: returns the analytic ⟨∇f, d⟩ (from tf.variableGrads) and
 * the numeric (f(θ + εd) − f(θ − εd)) / 2ε for a seeded random direction d over all `vars`.
 */
export function directionalDerivative(
  f: () => tf.Scalar, vars: tf.Variable[], epsilon = 1e-3, seed = 7,
): { analytic: number; numeric: number } {
  const original = vars.map((v) => tf.clone(v));
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const directions = vars.map((v) => tf.tensor(Float32Array.from({ length: v.size }, random), v.shape));
  const { grads } = tf.variableGrads(f, vars);
  let analytic = 0;
  vars.forEach((v, i) => {
    analytic += tf.sum(tf.mul(grads[v.name] as tf.Tensor, directions[i] as tf.Tensor)).dataSync()[0] as number;
  });
  const at = (sign: number): number => {
    vars.forEach((v, i) => v.assign(tf.add(original[i] as tf.Tensor, tf.mul(directions[i] as tf.Tensor, sign * epsilon))));
    const value = tf.tidy(f);
    const out = value.dataSync()[0] as number;
    value.dispose();
    return out;
  };
  const numeric = (at(1) - at(-1)) / (2 * epsilon);
  vars.forEach((v, i) => v.assign(original[i] as tf.Tensor));
  tf.dispose([...original, ...directions, ...Object.values(grads)]);
  return { analytic, numeric };
}
