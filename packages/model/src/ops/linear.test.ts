import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select.js';
import { batchMatMul } from './batch-matmul.js';
import { registerModelGradients } from './gradients.js';
import { linear, linearTransposed } from './linear.js';

beforeAll(async () => {
  await selectBackend({ override: 'cpu' });
  registerModelGradients();
});

/** Gradients of Σ f(a, b)·r with respect to a and b. */
function gradsOf(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor, r: tf.Tensor): number[][] {
  return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), r)))([a, b]).map((g) => Array.from(g.dataSync()));
}

function expectClose(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]?.[j] ?? NaN, 4)));
}

describe('custom-gradient products', () => {
  // Built inside each test: the backend is selected in beforeAll, after this body runs.
  const x = (): tf.Tensor => tf.randomNormal([5, 4], 0, 1, 'float32', 1);
  const w = (): tf.Tensor => tf.randomNormal([4, 3], 0, 1, 'float32', 2);
  const e = (): tf.Tensor => tf.randomNormal([6, 4], 0, 1, 'float32', 3);

  it('linear matches autodiff through tf.matMul', () => {
    const r = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
    expectClose(
      gradsOf((a, b) => linear(a as tf.Tensor2D, b as tf.Tensor2D), x(), w(), r),
      gradsOf((a, b) => tf.matMul(a, b), x(), w(), r),
    );
  });

  it('linearTransposed (the tied output projection) matches autodiff through a transposed tf.matMul', () => {
    const r = tf.randomNormal([5, 6], 0, 1, 'float32', 5);
    expectClose(
      gradsOf((a, b) => linearTransposed(a as tf.Tensor2D, b as tf.Tensor2D), x(), e(), r),
      gradsOf((a, b) => tf.matMul(a, b, false, true), x(), e(), r),
    );
  });

  it('batchMatMul matches autodiff through a batched tf.matMul', () => {
    const a = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 6);
    const b = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 7);
    const r = tf.randomNormal([3, 5, 2], 0, 1, 'float32', 8);
    expectClose(
      gradsOf((p, q) => batchMatMul(p as tf.Tensor3D, q as tf.Tensor3D), a, b, r),
      gradsOf((p, q) => tf.matMul(p, q), a, b, r),
    );
  });
});
