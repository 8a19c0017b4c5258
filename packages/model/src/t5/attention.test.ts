import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select.js';
import { registerModelGradients } from '../ops/gradients.js';
import { directionalDerivative } from '../test-support/tiny.js';
import { multiHeadAttention } from './attention.js';

beforeAll(async () => {
  await selectBackend({ override: 'cpu' });
  registerModelGradients();
});

const dims = { batch: 2, queryLength: 3, keyLength: 4, heads: 2, headWidth: 3 };
const dm = 5;

function setup(): { vars: tf.Variable[]; f: () => tf.Scalar } {
  const init = (shape: number[], seed: number) => tf.variable(tf.randomNormal(shape, 0, 0.5, 'float32', seed));
  const inner = dims.heads * dims.headWidth;
  const [q, k, v, o] = [init([dm, inner], 1), init([dm, inner], 2), init([dm, inner], 3), init([inner, dm], 4)];
  const xq = init([dims.batch * dims.queryLength, dm], 5);
  const xkv = init([dims.batch * dims.keyLength, dm], 6);
  const bias = tf.randomNormal([1, dims.heads, dims.queryLength, dims.keyLength], 0, 1, 'float32', 7);
  // Mask the last key of example 1, as padding would.
  const mask = tf.tensor4d([0, 0, 0, 0, 0, 0, 0, -1e9], [2, 1, 1, 4]);
  const readout = tf.randomNormal([dims.batch * dims.queryLength, dm], 0, 1, 'float32', 8);
  const f = (): tf.Scalar =>
    tf.tidy(() => {
      const out = multiHeadAttention(
        { q: q as tf.Tensor2D, k: k as tf.Tensor2D, v: v as tf.Tensor2D, o: o as tf.Tensor2D },
        xq as tf.Tensor2D, xkv as tf.Tensor2D, dims, tf.add(bias, mask),
      );
      return tf.sum(tf.mul(out, readout));
    });
  return { vars: [q, k, v, o, xq, xkv] as tf.Variable[], f };
}

describe('multiHeadAttention', () => {
  it('has gradients (weights and inputs) that match finite differences', () => {
    const { vars, f } = setup();
    const { analytic, numeric } = directionalDerivative(f, vars, 1e-3, 11);
    expect(Math.abs(analytic)).toBeGreaterThan(1e-2);
    expect(Math.abs(analytic - numeric)).toBeLessThan(1e-2 * Math.abs(numeric) + 1e-3);
  });

  it('matches each coordinate of the query-weight gradient against finite differences', () => {
    const { vars, f } = setup();
    const q = vars[0] as tf.Variable;
    const grad = tf.variableGrads(f, [q]).grads[q.name]?.dataSync() as Float32Array;
    const base = q.dataSync().slice();
    const epsilon = 1e-2;
    for (const index of [0, 7, 13, 29]) {
      const at = (delta: number): number => {
        const values = base.slice();
        values[index] = (values[index] as number) + delta;
        q.assign(tf.tensor(values, q.shape));
        return f().dataSync()[0] as number;
      };
      const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
      expect(grad[index]).toBeCloseTo(numeric, 2);
    }
  });

  it('gives a masked key no influence on the output', () => {
    const { vars, f } = setup();
    const xkv = vars[5] as tf.Variable;
    const before = f().dataSync()[0] as number;
    const values = xkv.dataSync().slice();
    // Row 7 is key 3 of example 1, the masked one.
    for (let j = 0; j < dm; j++) values[7 * dm + j] = 100;
    xkv.assign(tf.tensor(values, xkv.shape));
    expect(f().dataSync()[0]).toBeCloseTo(before, 4);
  });
});
