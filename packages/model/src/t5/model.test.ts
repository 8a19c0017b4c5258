import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { countParams } from '@shapesweep/shapes';
import { selectBackend } from '../backend/select.js';
import { directionalDerivative, disposeBatch, TINY_SHAPE, tinyBatch } from '../test-support/tiny.js';
import { createT5 } from './model.js';
import { t5ParamCount, type T5Shape } from './shape.js';

beforeAll(async () => {
  await selectBackend({ override: 'cpu' });
});

describe('createT5', () => {
  const shapes: Array<[string, T5Shape]> = [
    ['tiny@w1/8', { el: 4, dl: 4, dm: 32, ff: 128, nh: 4, kv: 8, vocab: 512 }],
    ['el ≠ dl, nh·kv ≠ dm', { el: 3, dl: 1, dm: 24, ff: 40, nh: 3, kv: 5, vocab: 100 }],
    ['one head, wide ffn', { el: 1, dl: 2, dm: 8, ff: 64, nh: 1, kv: 16, vocab: 375 }],
    ['deep narrow', { el: 6, dl: 6, dm: 16, ff: 32, nh: 2, kv: 8, vocab: 64 }],
  ];
  it.each(shapes)('builds exactly the shapes package parameter count (%s)', (_label, shape) => {
    const model = createT5(shape, { seed: 1 });
    const trainable = model.trainableVariables().reduce((n, v) => n + v.size, 0);
    expect(trainable).toBe(countParams(shape).params);
    expect(trainable).toBe(t5ParamCount(shape));
    model.dispose();
  });

  it('names weights by stack, block and sub-layer, with one position-bias table per stack', () => {
    const model = createT5(TINY_SHAPE, { seed: 1 });
    const names = [...model.variables.keys()];
    expect(names).toContain('shared.embedding');
    expect(names).toContain('encoder.block.1.attn.q');
    expect(names).toContain('decoder.block.2.cross_attn.o');
    expect(names.filter((n) => n.endsWith('relative_bias'))).toEqual([
      'encoder.block.0.attn.relative_bias',
      'decoder.block.0.self_attn.relative_bias',
    ]);
    expect(model.variables.get('encoder.block.0.attn.q')?.shape).toEqual([16, 12]);
    model.dispose();
  });

  it('initialises deterministically from the seed', () => {
    const a = createT5(TINY_SHAPE, { seed: 3 });
    const b = createT5(TINY_SHAPE, { seed: 3 });
    const c = createT5(TINY_SHAPE, { seed: 4 });
    const wa = a.getWeights().get('decoder.block.1.ffn.wi');
    expect(wa).toEqual(b.getWeights().get('decoder.block.1.ffn.wi'));
    expect(wa).not.toEqual(c.getWeights().get('decoder.block.1.ffn.wi'));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('starts near the uniform loss ln(vocab) and returns logits of shape [batch, target, vocab]', () => {
    const model = createT5(TINY_SHAPE, { seed: 1 });
    const batch = tinyBatch();
    const logits = model.forward(batch);
    expect(logits.shape).toEqual([3, 5, 50]);
    const loss = model.loss(batch).dataSync()[0] as number;
    expect(Math.abs(loss - Math.log(50))).toBeLessThan(1);
    tf.dispose(logits);
    disposeBatch(batch);
    model.dispose();
  });

  it('averages the loss over real target tokens only and sums log-likelihoods per example', () => {
    const model = createT5(TINY_SHAPE, { seed: 1 });
    const batch = tinyBatch();
    const logits = model.forward(batch);
    const logProbs = tf.logSoftmax(logits).arraySync() as number[][][];
    const targets = batch.decoderTarget.arraySync();
    const mask = batch.targetMask.arraySync();
    let total = 0;
    let count = 0;
    const perExample = targets.map((row, b) =>
      row.reduce((sum, t, i) => {
        const lp = (logProbs[b]?.[i]?.[t] ?? NaN) * (mask[b]?.[i] ?? 0);
        total -= lp;
        count += mask[b]?.[i] ?? 0;
        return sum + lp;
      }, 0),
    );
    expect(model.loss(batch).dataSync()[0]).toBeCloseTo(total / count, 4);
    const ll = Array.from(model.sequenceLogLikelihood(batch).dataSync());
    ll.forEach((v, i) => expect(v).toBeCloseTo(perExample[i] as number, 3));
    tf.dispose(logits);
    disposeBatch(batch);
    model.dispose();
  });

  it('never lets a decoder position see a later token (causal masking)', () => {
    const model = createT5(TINY_SHAPE, { seed: 2 });
    const batch = tinyBatch();
    const changed = { ...batch, decoderInput: tf.tensor2d([[0, 3, 4, 9, 9], [0, 7, 8, 0, 0], [0, 1, 1, 1, 1]], [3, 5], 'int32') };
    const before = model.forward(batch).arraySync();
    const after = model.forward(changed).arraySync();
    // Positions 0–2 of example 0 see only decoder inputs 0–2, which did not change; position 3 sees the change.
    for (let t = 0; t < 3; t++) {
      (before[0]?.[t] ?? []).forEach((v, j) => expect(after[0]?.[t]?.[j]).toBeCloseTo(v, 5));
    }
    expect(after[0]?.[3]?.[0]).not.toBeCloseTo(before[0]?.[3]?.[0] ?? NaN, 5);
    tf.dispose(changed.decoderInput);
    disposeBatch(batch);
    model.dispose();
  });

  it('ignores the ids of padded encoder positions', () => {
    const model = createT5(TINY_SHAPE, { seed: 2 });
    const batch = tinyBatch();
    const enc = batch.encoderInput.arraySync();
    // Ids at padded positions change nothing only if they stay pad (0); an extra pad at the end is a no-op.
    const padded = { ...batch, encoderInput: tf.tensor2d(enc.map((r) => [...r, 0]), [3, 8], 'int32') };
    const a = model.loss(batch).dataSync()[0] as number;
    const b = model.loss(padded).dataSync()[0] as number;
    expect(b).toBeCloseTo(a, 5);
    tf.dispose(padded.encoderInput);
    disposeBatch(batch);
    model.dispose();
  });

  it('round-trips weights through getWeights/setWeights and rejects weights that do not fit', () => {
    const a = createT5(TINY_SHAPE, { seed: 1 });
    const b = createT5(TINY_SHAPE, { seed: 9 });
    b.setWeights(a.getWeights());
    const batch = tinyBatch();
    expect(b.loss(batch).dataSync()[0]).toBe(a.loss(batch).dataSync()[0]);
    const broken = a.getWeights();
    broken.delete('decoder.final_norm');
    broken.set('extra', new Float32Array(3));
    expect(() => b.setWeights(broken)).toThrow(/decoder.final_norm: missing.*extra: not a weight/);
    disposeBatch(batch);
    a.dispose();
    b.dispose();
  });

  it('computes loss gradients that match finite differences on a tiny model', () => {
    const model = createT5(TINY_SHAPE, { seed: 5 });
    const batch = tinyBatch();
    const { analytic, numeric } = directionalDerivative(() => model.loss(batch), model.trainableVariables());
    expect(Math.abs(analytic)).toBeGreaterThan(1e-2);
    expect(Math.abs(analytic - numeric)).toBeLessThan(2e-2 * Math.abs(numeric) + 1e-3);
    disposeBatch(batch);
    model.dispose();
  });

  it('keeps the tensor count flat across forward+backward steps', () => {
    const model = createT5(TINY_SHAPE, { seed: 1 });
    const batch = tinyBatch();
    const vars = model.trainableVariables();
    const step = (): void =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => model.loss(batch), vars);
        for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, 0.01)));
      });
    step();
    const after1 = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(after1);
    disposeBatch(batch);
    model.dispose();
  });
});
