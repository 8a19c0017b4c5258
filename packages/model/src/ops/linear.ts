// Dense products with custom gradients.
//
// The WASM backend runs a matmul on its fast XNNPACK kernel only when neither operand is transposed; `tf.matMul`'s own
// gradient asks for transposeA/transposeB and lands on a loop ≈ 20× slower. These gradients transpose explicitly
// (a memory-bound copy, O(n²) against the product's O(n³)) and then call plain products. On the other backends the
// transposed products are as fast as plain ones, so the flags are used there.
import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-grad.js';

/** True when explicit transposes beat transposed matmul flags (the WASM backend). */
export function preferExplicitTranspose(): boolean {
  return tf.getBackend() === 'wasm';
}

/** a·bᵀ for 2-D operands, without asking the kernel for a transposed operand on WASM. */
export function matMulBT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return preferExplicitTranspose() ? tf.matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true);
}

/** aᵀ·b for 2-D operands, without asking the kernel for a transposed operand on WASM. */
export function matMulAT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return preferExplicitTranspose() ? tf.matMul(tf.transpose(a), b) : tf.matMul(a, b, true, false);
}

/** y = x·w for x [n, in], w [in, out]; gradients dx = dy·wᵀ, dw = xᵀ·dy as plain products. */
export const linear = customGradient<[tf.Tensor2D, tf.Tensor2D], tf.Tensor2D>(
  ([x, w], save) => {
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [matMulBT(dy, ws), matMulAT(xs, dy)];
      },
    };
  },
);

/** y = x·wᵀ for x [n, d], w [v, d] (the tied output projection); dx = dy·w, dw = dyᵀ·x. */
export const linearTransposed = customGradient<[tf.Tensor2D, tf.Tensor2D], tf.Tensor2D>(
  ([x, w], save) => {
    save([x, w]);
    return {
      value: matMulBT(x, w),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        // dw = dyᵀ·x, computed as (xᵀ·dy)ᵀ on WASM: that transposes x and the [d, v] product instead of the larger
        // [n, v] dy (n = batch·target tokens > d).
        const dw = preferExplicitTranspose() ? tf.transpose(tf.matMul(tf.transpose(xs), dy)) : tf.matMul(dy, xs, true, false);
        return [tf.matMul(dy, ws), dw];
      },
    };
  },
);
