// Embedding lookup whose gradient is a scatter-add. tf.gather's own gradient (UnsortedSegmentSum) has no WASM kernel;
// ScatterNd adds the rows of repeated ids, which is exactly the embedding gradient. A one-hot product would cost
// 2·tokens·vocab·d FLOPs (≈ 10 GFLOP per step at vocab 8192), the scatter only tokens·d additions.
import * as tf from '@tensorflow/tfjs-core';
import { customGradient } from './custom-grad.js';

/** Rows of `table` [vocab, d] at `ids` [n] (int32) → [n, d]; d table = scatter-add of dy at ids. */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  // ids are integer positions, not a differentiable input: they are captured and saved, not passed as an input
  // (the tape requires a float32 gradient for every input).
  const lookup = customGradient<[tf.Tensor2D], tf.Tensor2D>(([t], save) => {
    save([ids]);
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy, saved) => {
        const [idsSaved] = saved as [tf.Tensor1D];
        return [tf.scatterND(tf.expandDims(idsSaved, 1), dy, t.shape)];
      },
    };
  });
  return lookup(table);
}
