// The WASM fast paths checked against hand computations and the CPU backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchMatMul } from '../ops/batch-matmul.js';
import { tokenNll } from '../ops/cross-entropy.js';
import { embeddingLookup } from '../ops/embedding.js';
import { registerModelGradients } from '../ops/gradients.js';
import { createT5 } from '../t5/model.js';
import { disposeBatch, TINY_SHAPE, tinyBatch } from '../test-support/tiny.js';
import { selectBackend } from './select.js';

beforeAll(async () => {
  await selectBackend({ override: 'wasm' });
  registerModelGradients();
});

function onBoth<T>(f: () => T): { wasm: T; cpu: T } {
  tf.setBackend('wasm');
  const wasm = f();
  tf.setBackend('cpu');
  const cpu = f();
  tf.setBackend('wasm');
  return { wasm, cpu };
}

describe('WASM fast paths', () => {
  it('computes batched products through XNNPACK views equal to the CPU backend, gradients included', () => {
    const run = (): number[][] =>
      tf.tidy(() => {
        const a = tf.randomNormal([6, 5, 7], 0, 1, 'float32', 1) as tf.Tensor3D;
        const b = tf.randomNormal([6, 7, 3], 0, 1, 'float32', 2) as tf.Tensor3D;
        const r = tf.randomNormal([6, 5, 3], 0, 1, 'float32', 3);
        const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(batchMatMul(x as tf.Tensor3D, y as tf.Tensor3D), r)))([a, b]);
        return [Array.from(batchMatMul(a, b).dataSync()), Array.from((da as tf.Tensor).dataSync()), Array.from((db as tf.Tensor).dataSync())];
      });
    const { wasm, cpu } = onBoth(run);
    wasm.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(cpu[i]?.[j] ?? NaN, 4)));
  });

  it('adds the embedding gradient of a repeated id (scatter-add)', () => {
    const table = tf.variable(tf.zeros([4, 2]));
    const ids = tf.tensor1d([1, 3, 1], 'int32');
    const dy = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const g = tf.variableGrads(() => tf.sum(tf.mul(embeddingLookup(table as tf.Tensor2D, ids), dy)), [table]).grads[table.name];
    expect(Array.from(g?.dataSync() ?? [])).toEqual([0, 0, 6, 8, 0, 0, 3, 4]);
  });

  it('computes the cross-entropy and its gradient as by hand (no oneHot kernel)', () => {
    const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
    const targets = tf.tensor1d([2, 0], 'int32');
    // −log softmax: row 0 = log(e + e² + e³) − 3; row 1 = log 3.
    const row0 = Math.log(Math.E + Math.E ** 2 + Math.E ** 3) - 3;
    const nll = Array.from(tokenNll(logits, targets).dataSync());
    expect(nll[0]).toBeCloseTo(row0, 5);
    expect(nll[1]).toBeCloseTo(Math.log(3), 5);
    const [g] = tf.grads((l: tf.Tensor) => tf.sum(tokenNll(l as tf.Tensor2D, targets)))([logits]);
    const z = Math.E + Math.E ** 2 + Math.E ** 3;
    const expected = [Math.E / z, Math.E ** 2 / z, Math.E ** 3 / z - 1, 1 / 3 - 1, 1 / 3, 1 / 3];
    Array.from(g?.dataSync() ?? []).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
  });

  it('gives the same loss and gradients as the CPU backend on a tiny model', () => {
    const run = (): number[] =>
      tf.tidy(() => {
        const model = createT5(TINY_SHAPE, { seed: 4 });
        const batch = tinyBatch();
        const { value, grads } = tf.variableGrads(() => model.loss(batch), model.trainableVariables());
        const out = [value.dataSync()[0] as number, ...Object.values(grads).map((g) => tf.norm(g).dataSync()[0] as number)];
        disposeBatch(batch);
        model.dispose();
        return out;
      });
    const { wasm, cpu } = onBoth(run);
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((v, i) => expect(v).toBeCloseTo(cpu[i] ?? NaN, 3));
  });

  it('keeps the tensor count flat across training steps on WASM', () => {
    const model = createT5(TINY_SHAPE, { seed: 1 });
    const batch = tinyBatch();
    const vars = model.trainableVariables();
    const step = (): void =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => model.loss(batch), vars);
        for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, 0.01)));
      });
    step();
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    step();
    step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    disposeBatch(batch);
    model.dispose();
  });
});
