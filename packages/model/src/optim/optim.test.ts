import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { Adafactor, Adam, clipByGlobalNorm, createOptimizer, pretrainLearningRate, finetuneLearningRate, type Optimizer } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function quadraticVariables(): Map<string, tf.Variable> {
  // A matrix and a vector, so both Adafactor branches (factored, unfactored) are exercised.
  return new Map<string, tf.Variable>([
    ['w', tf.variable(tf.tensor2d([[2, -1, 0.5], [1, 3, -2]]), true)],
    ['b', tf.variable(tf.tensor1d([1.5, -2.5]), true)],
  ]);
}

/** 0.5·||w - W*||² + 0.5·||b - B*||² with W* = 0.3, B* = -0.2 everywhere. */
function quadraticLoss(vars: Map<string, tf.Variable>): tf.Scalar {
  const w = vars.get('w') as tf.Variable;
  const b = vars.get('b') as tf.Variable;
  return tf.add(tf.mul(0.5, tf.sum(tf.square(tf.sub(w, 0.3)))), tf.mul(0.5, tf.sum(tf.square(tf.sub(b, -0.2))))) as tf.Scalar;
}

function train(opt: Optimizer, vars: Map<string, tf.Variable>, steps: number, lr: (step: number) => number): number {
  const list = [...vars.values()];
  const names = new Map(list.map((v, i) => [v.name, [...vars.keys()][i] as string]));
  let loss = Infinity;
  for (let step = 1; step <= steps; step++) {
    const { value, grads } = tf.variableGrads(() => quadraticLoss(vars), list);
    const byName = new Map(Object.entries(grads).map(([k, g]) => [names.get(k) as string, g]));
    opt.apply(byName, lr(step));
    loss = value.dataSync()[0] as number;
    value.dispose();
    tf.dispose(Object.values(grads));
  }
  return loss;
}

describe('Adafactor', () => {
  it('keeps factored row and column second moments for matrices and a full one for vectors', () => {
    const vars = new Map<string, tf.Variable>([
      ['embed', tf.variable(tf.zeros([50, 8]))],
      ['heads', tf.variable(tf.zeros([3, 4, 5]))],
      ['scale', tf.variable(tf.ones([8]))],
    ]);
    const opt = new Adafactor(vars);
    expect(Object.fromEntries(opt.slotShapes())).toEqual({
      'embed/vr': [50], 'embed/vc': [8],
      'heads/vr': [3, 4], 'heads/vc': [3, 5],
      'scale/v': [8],
    });
    opt.dispose();
    tf.dispose([...vars.values()]);
  });

  it('minimises a quadratic with the relative step size schedule', () => {
    const vars = quadraticVariables();
    const opt = new Adafactor(vars);
    const start = quadraticLoss(vars).dataSync()[0] as number;
    const end = train(opt, vars, 1000, (s) => pretrainLearningRate(s, { optimizer: 'adafactor', warmupSteps: 10, learningRate: undefined }));
    expect(end).toBeLessThan(start * 1e-3);
    opt.dispose();
    tf.dispose([...vars.values()]);
  });

  it('clips an update to RMS 1 relative step times the parameter scale', () => {
    // One step with a huge gradient: the first second-moment estimate is g², so the raw update is ±1 (RMS 1) and
    // the parameter moves by lr·max(1e-3, RMS(param)) in each coordinate.
    const vars = new Map([['p', tf.variable(tf.tensor1d([3, -4]))]]);
    const opt = new Adafactor(vars);
    const g = tf.tensor1d([1e6, -1e6]);
    opt.apply(new Map([['p', g]]), 0.1);
    const rmsParam = Math.sqrt((9 + 16) / 2);
    const after = Array.from(vars.get('p')?.dataSync() ?? []);
    expect(after[0]).toBeCloseTo(3 - 0.1 * rmsParam, 5);
    expect(after[1]).toBeCloseTo(-4 + 0.1 * rmsParam, 5);
    g.dispose();
    opt.dispose();
    tf.dispose([...vars.values()]);
  });

  it('creates no tensors that outlive a step', () => {
    const vars = quadraticVariables();
    const opt = new Adafactor(vars);
    train(opt, vars, 2, () => 0.01);
    const before = tf.memory().numTensors;
    train(opt, vars, 5, () => 0.01);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    tf.dispose([...vars.values()]);
  });

  it('continues bit-exactly after exporting and importing its state', () => {
    const a = quadraticVariables();
    const optA = new Adafactor(a);
    train(optA, a, 3, () => 0.05);
    const b = new Map([...a].map(([k, v]) => [k, tf.variable(v.clone())]));
    const optB = new Adafactor(b);
    optB.importState(optA.exportState());
    expect(optB.step).toBe(3);
    train(optA, a, 4, () => 0.05);
    train(optB, b, 4, () => 0.05);
    expect(Array.from(b.get('w')?.dataSync() ?? [])).toEqual(Array.from(a.get('w')?.dataSync() ?? []));
    expect(Array.from(b.get('b')?.dataSync() ?? [])).toEqual(Array.from(a.get('b')?.dataSync() ?? []));
    for (const opt of [optA, optB]) opt.dispose();
    tf.dispose([...a.values(), ...b.values()]);
  });

  it('rejects a state whose slots do not match the variables with CHECKPOINT_INVALID', () => {
    const vars = quadraticVariables();
    const opt = new Adafactor(vars);
    expect(() => opt.importState({ name: 'adafactor', step: 1, slots: new Map([['w/vr', new Float32Array(5)]]) })).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_INVALID', details: expect.arrayContaining(['optimizer.w/vr: 5 values, expected 2', 'optimizer.b/v: missing']) }),
    );
    opt.dispose();
    tf.dispose([...vars.values()]);
  });
});

describe('Adam', () => {
  it('minimises a quadratic', () => {
    const vars = quadraticVariables();
    const opt = createOptimizer('adam', vars);
    const end = train(opt, vars, 400, () => 0.05);
    expect(end).toBeLessThan(1e-4);
    opt.dispose();
    tf.dispose([...vars.values()]);
  });

  it('moves each coordinate by the learning rate on its first step (bias correction)', () => {
    const vars = new Map([['p', tf.variable(tf.tensor1d([1, 1]))]]);
    const opt = new Adam(vars);
    const g = tf.tensor1d([0.001, -50]);
    opt.apply(new Map([['p', g]]), 0.01);
    const after = Array.from(vars.get('p')?.dataSync() ?? []);
    expect(after[0]).toBeCloseTo(0.99, 4);
    expect(after[1]).toBeCloseTo(1.01, 4);
    g.dispose();
    opt.dispose();
    tf.dispose([...vars.values()]);
  });
});

describe('clipByGlobalNorm', () => {
  it('caps the global norm and keeps the direction', () => {
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([3, 0])], ['b', tf.tensor2d([[0, 4]])]]);
    const clipped = clipByGlobalNorm(grads, 1);
    expect(clipped.norm).toBeCloseTo(5, 5);
    expect(clipped.scale).toBeCloseTo(0.2, 6);
    expect(Array.from(clipped.grads.get('a')?.dataSync() ?? [])).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(Array.from(clipped.grads.get('b')?.dataSync() ?? [])).toEqual([0, expect.closeTo(0.8, 6)]);
    tf.dispose([...clipped.grads.values()]);
  });

  it('leaves gradients alone below the threshold or when clipping is disabled', () => {
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([3, 4])]]);
    const below = clipByGlobalNorm(grads, 10);
    expect(below.scale).toBe(1);
    const disabled = clipByGlobalNorm(below.grads, 0);
    expect(disabled.scale).toBe(1);
    expect(Array.from(disabled.grads.get('a')?.dataSync() ?? [])).toEqual([3, 4]);
    tf.dispose([...disabled.grads.values()]);
  });
});

describe('learning-rate schedules', () => {
  it('gives Adafactor T5\'s relative step min(1e-2, 1/sqrt(max(step, warmup)))', () => {
    const config = { optimizer: 'adafactor' as const, warmupSteps: 100, learningRate: undefined };
    expect(pretrainLearningRate(1, config)).toBeCloseTo(0.01, 12);
    expect(pretrainLearningRate(400, config)).toBeCloseTo(0.01, 12);
    expect(pretrainLearningRate(40_000, config)).toBeCloseTo(0.005, 12);
    const t5 = { ...config, warmupSteps: 10_000 };
    expect(pretrainLearningRate(5_000, t5)).toBeCloseTo(0.01, 12);
    expect(pretrainLearningRate(1_000_000, t5)).toBeCloseTo(0.001, 12);
  });

  it('scales the Adafactor schedule to a given peak learning rate', () => {
    const config = { optimizer: 'adafactor' as const, warmupSteps: 100, learningRate: 0.01 };
    expect(pretrainLearningRate(50, config)).toBeCloseTo(0.01, 12);
    expect(pretrainLearningRate(400, config)).toBeCloseTo(0.005, 12);
  });

  it('warms Adam up linearly, then decays it as the inverse square root', () => {
    const config = { optimizer: 'adam' as const, warmupSteps: 10, learningRate: 2e-3 };
    expect(pretrainLearningRate(1, config)).toBeCloseTo(2e-4, 12);
    expect(pretrainLearningRate(5, config)).toBeCloseTo(1e-3, 12);
    expect(pretrainLearningRate(10, config)).toBeCloseTo(2e-3, 12);
    expect(pretrainLearningRate(40, config)).toBeCloseTo(1e-3, 12);
    expect(pretrainLearningRate(10, { ...config, learningRate: undefined })).toBeCloseTo(1e-3, 12);
  });

  it('keeps the finetuning learning rate constant', () => {
    expect(finetuneLearningRate(1, { learningRate: 1e-3 })).toBe(1e-3);
    expect(finetuneLearningRate(10_000, { learningRate: 1e-3 })).toBe(1e-3);
  });
});
