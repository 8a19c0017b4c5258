// Batched products [n, m, k]·[n, k, p] for attention, with custom gradients that use only plain batched products.
// On WASM the forward goes through the view-based XNNPACK kernel (see backend/wasm-kernels.ts); elsewhere tf.matMul.
import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-grad.js';
import { SHAPESWEEP_BATCH_MATMUL } from '../backend/wasm-kernels.js';

/** The raw batched product (no gradient): XNNPACK per batch entry on WASM, tf.matMul elsewhere. */
export function batchMatMulRaw(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new Error(`batchMatMul: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not chain`);
  }
  if (tf.getBackend() === 'wasm' && tf.getKernel(SHAPESWEEP_BATCH_MATMUL, 'wasm') !== undefined) {
    return tf.engine().runKernel(SHAPESWEEP_BATCH_MATMUL, { a, b }, {}) as tf.Tensor3D;
  }
  return tf.matMul(a, b);
}

function transposeLast2(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/** c = a·b per batch entry; da = dc·bᵀ, db = aᵀ·dc, each an explicit transpose plus a plain batched product. */
export const batchMatMul = customGradient<[tf.Tensor3D, tf.Tensor3D], tf.Tensor3D>(
  ([a, b], save) => {
    save([a, b]);
    return {
      value: batchMatMulRaw(a, b),
      gradFunc: (dy, saved) => {
        const [as, bs] = saved as [tf.Tensor3D, tf.Tensor3D];
        return [batchMatMulRaw(dy, transposeLast2(bs)), batchMatMulRaw(transposeLast2(as), dy)];
      },
    };
  },
);
