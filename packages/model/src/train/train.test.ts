import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { heldoutBatches, spanCorruptionBatches, trainTokenizer, encodeTexts } from '@shapesweep/data';
import { selectBackend } from '../backend/select.js';
import { createOptimizer } from '../optim/index.js';
import { createT5 } from '../t5/model.js';
import { tinyCorpus, TINY_SHAPE } from '../test-support/fixtures.js';
import { classificationBatch, classificationScores, encodeTask, ExampleStream } from './classification.js';
import { checkDivergence, freshMonitorState, MAX_LOSS, SETTLE_STEPS } from './divergence.js';
import { evaluateLoss, scoreCandidates, scoreSequences, trainStep, type HostBatch } from './step.js';

beforeAll(async () => {
  await selectBackend({ override: 'wasm' });
});

function tinyBatches(count: number): HostBatch[] {
  const corpus = tinyCorpus();
  const tokenizer = trainTokenizer(corpus.train, { vocabSize: TINY_SHAPE.vocab });
  return heldoutBatches({
    tokens: encodeTexts(tokenizer, corpus.train), inputLength: 32, targetLength: 8, batchSize: 4, count,
    sentinel: (i) => tokenizer.sentinelId(i), eosId: 1, padId: 0,
  });
}

describe('trainStep', () => {
  it('overfits a tiny corpus: the loss on two fixed batches falls below 0.5 nats within 150 steps', () => {
    const batches = tinyBatches(2);
    const model = createT5(TINY_SHAPE, { seed: 5 });
    const optimizer = createOptimizer('adam', model.variables);
    const initial = evaluateLoss(model, batches);
    let step = 0;
    while (step < 150 && evaluateLoss(model, batches) > 0.5) {
      for (const batch of batches) trainStep(model, optimizer, batch, 1e-2, 1);
      step += 2;
    }
    const final = evaluateLoss(model, batches);
    expect(initial).toBeGreaterThan(4);
    expect(final).toBeLessThan(0.5);
    optimizer.dispose();
    model.dispose();
  });

  it('leaves no tensor behind across training steps, evaluation and scoring', () => {
    const [batch] = tinyBatches(1) as [HostBatch];
    const model = createT5(TINY_SHAPE, { seed: 5 });
    for (const name of ['adafactor', 'adam'] as const) {
      const optimizer = createOptimizer(name, model.variables);
      trainStep(model, optimizer, batch, 1e-3, 1);
      evaluateLoss(model, [batch]);
      scoreSequences(model, batch);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) trainStep(model, optimizer, batch, 1e-3, 1);
      evaluateLoss(model, [batch]);
      scoreSequences(model, batch);
      expect(tf.memory().numTensors).toBe(before);
      optimizer.dispose();
    }
    model.dispose();
  });

  it('scores several candidate targets of the same inputs with one encoder pass, as scoring each alone does', () => {
    const inputs = [Int32Array.from([5, 9, 12, 1]), Int32Array.from([7, 3, 1]), Int32Array.from([20, 21, 22, 23, 24, 1])];
    const labels = [Int32Array.from([30, 1]), Int32Array.from([31, 32, 1]), Int32Array.from([33, 1])];
    const batches = labels.map((label) => classificationBatch(inputs, inputs.map(() => label), 4, 32));
    const model = createT5(TINY_SHAPE, { seed: 5 });
    scoreCandidates(model, batches);
    const before = tf.memory().numTensors;
    const together = scoreCandidates(model, batches);
    expect(tf.memory().numTensors).toBe(before);
    const alone = batches.map((batch) => scoreSequences(model, batch));
    expect(together).toHaveLength(3);
    together.forEach((scores, label) => {
      expect(scores).toHaveLength(3);
      scores.forEach((v, i) => expect(v).toBeCloseTo(alone[label]![i]!, 4));
    });
    model.dispose();
  });

  it('skips the update when the loss is not finite, so no NaN reaches the weights', () => {
    const [batch] = tinyBatches(1) as [HostBatch];
    const model = createT5(TINY_SHAPE, { seed: 5 });
    const optimizer = createOptimizer('adam', model.variables);
    const before = model.getWeights();
    const poisoned = new Map(before);
    poisoned.set('shared.embedding', new Float32Array(before.get('shared.embedding')?.length ?? 0).fill(Number.NaN));
    model.setWeights(poisoned);
    const untouched = model.getWeights().get('encoder.final_norm');
    const nanStep = trainStep(model, optimizer, batch, 1e-3, 1);
    expect(nanStep.applied).toBe(false);
    expect(Number.isNaN(nanStep.loss)).toBe(true);
    expect(model.getWeights().get('encoder.final_norm')).toEqual(untouched);
    expect(optimizer.step).toBe(0);
    optimizer.dispose();
    model.dispose();
  });
});

describe('checkDivergence', () => {
  it('throws TRAINING_DIVERGED on NaN, infinity and losses above the absolute cap', () => {
    for (const loss of [Number.NaN, Number.POSITIVE_INFINITY, MAX_LOSS + 1]) {
      expect(() => checkDivergence(freshMonitorState(), loss, 'pretrain step 3')).toThrow(expect.objectContaining({ code: 'TRAINING_DIVERGED', message: expect.stringContaining('pretrain step 3') }));
    }
  });

  it('throws when the smoothed loss explodes to over 3× its best after settling, and not before', () => {
    let state = freshMonitorState();
    for (let i = 0; i < SETTLE_STEPS + 5; i++) state = checkDivergence(state, 2, `step ${i}`);
    expect(() => {
      for (let i = 0; i < 100; i++) state = checkDivergence(state, 20, `step ${i}`);
    }).toThrow(expect.objectContaining({ code: 'TRAINING_DIVERGED', message: expect.stringContaining('over 3×') }));

    // Early in a phase a high loss (a fresh finetuning head) is no explosion.
    let early = freshMonitorState();
    early = checkDivergence(early, 0.5, 'step 1');
    for (let i = 0; i < 5; i++) early = checkDivergence(early, 9, 'step');
    expect(early.steps).toBe(6);
  });

  it('does not trip on the noise of a near-zero finetuning loss', () => {
    let state = freshMonitorState();
    for (let i = 0; i < 60; i++) state = checkDivergence(state, i % 2 === 0 ? 0.01 : 0.4, `step ${i}`);
    expect(state.bestSmoothedLoss).not.toBeNull();
  });
});

describe('classification data', () => {
  const tokenizer = { encode: (text: string) => Array.from(text, (c) => c.charCodeAt(0)) };
  const task = {
    name: 'toy', labels: ['no', 'yes'],
    train: Array.from({ length: 10 }, (_, i) => ({ input: `example ${i}`, label: i % 2 === 0 ? 'yes' : 'no' })),
    validation: [{ input: 'x'.repeat(50), label: 'no' }, { input: 'y', label: 'yes' }],
  };

  it('truncates inputs to inputLength - 1 tokens plus eos and appends eos to label words', () => {
    const encoded = encodeTask(task, tokenizer, { inputLength: 8, evalExamples: 0 });
    expect(encoded.labelIds.map((ids) => Array.from(ids))).toEqual([[110, 111, 1], [121, 101, 115, 1]]);
    expect(encoded.targetLength).toBe(4);
    const long = encoded.validation.find((e) => e.ids.length === 8);
    expect(long && Array.from(long.ids)).toEqual([120, 120, 120, 120, 120, 120, 120, 1]);
  });

  it('rejects an example whose label is not a label word, naming split and index', () => {
    expect(() => encodeTask({ ...task, train: [{ input: 'a', label: 'maybe' }] }, tokenizer, { inputLength: 8, evalExamples: 0 })).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID', message: expect.stringContaining('train[0].label "maybe"') }),
    );
  });

  it('builds teacher-forced batches: decoder input is the target shifted right after the pad start token', () => {
    const batch = classificationBatch([Int32Array.from([7, 8, 1])], [Int32Array.from([5, 1])], 3, 128);
    expect(batch.inputLength).toBe(16);
    expect(Array.from(batch.encoderInput.subarray(0, 4))).toEqual([7, 8, 1, 0]);
    expect(Array.from(batch.decoderInput)).toEqual([0, 5, 1]);
    expect(Array.from(batch.decoderTarget)).toEqual([5, 1, 0]);
    expect(Array.from(batch.targetMask)).toEqual([1, 1, 0]);
  });

  it('visits every train example once per epoch and restores its order from (epoch, offset)', () => {
    const encoded = encodeTask(task, tokenizer, { inputLength: 16, evalExamples: 0 });
    const stream = new ExampleStream(encoded, 4, 9);
    const firstInputs = (b: HostBatch) => Array.from({ length: b.batchSize }, (_, i) => b.encoderInput[i * b.inputLength + 8]);
    const seen = [...firstInputs(stream.next()), ...firstInputs(stream.next())];
    const state = stream.state();
    const next = firstInputs(stream.next());
    expect(new Set([...seen, ...next.slice(0, 2)]).size).toBe(10); // the 10 distinct digits of epoch 0
    expect(firstInputs(new ExampleStream(encoded, 4, 9, state).next())).toEqual(next);
  });

  it('computes accuracy and macro-F1 over the classes that occur', () => {
    const scores = classificationScores(Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 1, 1]), 3);
    expect(scores.accuracy).toBe(0.75);
    // class 0: P=1/2 R=1 F1=2/3; class 1: P=1 R=2/3 F1=0.8; class 2 absent.
    expect(scores.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 12);
  });
});

describe('span-corruption pretraining data', () => {
  it('restores the data stream from its saved state', () => {
    const corpus = tinyCorpus();
    const tokenizer = trainTokenizer(corpus.train, { vocabSize: TINY_SHAPE.vocab });
    const options = { tokens: encodeTexts(tokenizer, corpus.train), inputLength: 32, targetLength: 8, batchSize: 2, seed: 4, sentinel: (i: number) => tokenizer.sentinelId(i), eosId: 1, padId: 0 };
    const a = spanCorruptionBatches(options);
    a.next();
    const b = spanCorruptionBatches({ ...options, state: a.state() });
    expect(Array.from(b.next().encoderInput)).toEqual(Array.from(a.next().encoderInput));
  });
});
