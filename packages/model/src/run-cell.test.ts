import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrainJobResultSchema } from '@shapesweep/contract';
import { runCell } from './run-cell.js';
import { MAX_LOSS } from './train/divergence.js';
import { recordingHooks, tempRunDirs, tinyCellConfig, tinyTraining } from './test-support/fixtures.js';

describe('runCell', () => {
  let dirs: Awaited<ReturnType<typeof tempRunDirs>>;
  beforeEach(async () => {
    dirs = await tempRunDirs();
  });
  afterEach(async () => {
    await dirs.cleanup();
  });

  it('pretrains, finetunes two tasks and reports scores, metrics, progress and checkpoints', async () => {
    const rec = recordingHooks();
    const training = tinyTraining({ pretrain: { steps: 4, evalEvery: 2 }, finetune: { tasks: ['sentiment', 'genre'], steps: 3 }, checkpointEvery: 2 });
    const outcome = await runCell(tinyCellConfig({ ...dirs, training }), rec.hooks);
    expect(outcome.status).toBe('completed');
    if (outcome.status !== 'completed') return;
    const result = TrainJobResultSchema.parse(outcome.result);
    expect(result.scores.map((s) => `${s.task}/${s.metric}@${s.step}`)).toEqual(['sentiment/accuracy@7', 'genre/accuracy@10', 'genre/macro_f1@10']);
    expect(result.downstreamMean).toBeCloseTo((result.scores[0]?.value ?? 0) / 2 + (result.scores[1]?.value ?? 0) / 2, 10);
    expect(result.evalLoss).toBeGreaterThan(0);
    expect(result.negLogPerplexity).toBe(-result.evalLoss);
    expect(result.tokensSeen).toBeGreaterThan(0);
    expect(result.trainFlopsSpent).toBeGreaterThan(0);
    expect(result.backend).toBe('wasm');
    // Every step 1..10 has its training metrics, in the right phase.
    const losses = rec.metrics.filter((m) => m.name === 'train_loss');
    expect(losses.map((m) => `${m.phase}@${m.step}`)).toEqual([
      'pretrain@1', 'pretrain@2', 'pretrain@3', 'pretrain@4',
      'finetune:sentiment@5', 'finetune:sentiment@6', 'finetune:sentiment@7',
      'finetune:genre@8', 'finetune:genre@9', 'finetune:genre@10',
    ]);
    expect(rec.metrics.filter((m) => m.name === 'eval_loss').map((m) => m.step)).toEqual([2, 4]);
    expect(new Set(rec.metrics.map((m) => m.name))).toEqual(new Set(['train_loss', 'lr', 'grad_norm', 'tokens_per_s', 'eval_loss', 'neg_log_perplexity', 'accuracy', 'macro_f1']));
    expect(rec.progress.at(-1)).toMatchObject({ step: 10, totalSteps: 10, etaSeconds: 0 });
    expect(rec.checkpoints.map((c) => `${c.phase}@${c.step}`)).toEqual(['pretrain@2', 'pretrain@4', 'finetune:sentiment@6', 'finetune:sentiment@7', 'finetune:genre@8', 'finetune:genre@10']);
  });
});

describe('runCell resume', () => {
  let dirs: Awaited<ReturnType<typeof tempRunDirs>>;
  beforeEach(async () => {
    dirs = await tempRunDirs();
  });
  afterEach(async () => {
    await dirs.cleanup();
  });

  it('continues exactly after a stop: k steps + save/load + k steps give the losses of 2k straight steps', async () => {
    const k = 5;
    const training = tinyTraining({ pretrain: { steps: 2 * k, evalEvery: 100 }, checkpointEvery: 1000 });
    const straight = recordingHooks();
    await runCell(tinyCellConfig({ ...dirs, runId: 'straight', training }), straight.hooks);

    const first = recordingHooks(k);
    const stopped = await runCell(tinyCellConfig({ ...dirs, runId: 'split', training }), first.hooks);
    expect(stopped).toEqual({ status: 'stopped', step: k });
    expect(first.checkpoints.map((c) => c.step)).toEqual([k]);
    const second = recordingHooks();
    const resumed = await runCell(tinyCellConfig({ ...dirs, runId: 'split', training }), second.hooks);
    expect(resumed.status).toBe('completed');
    expect([...second.lossByStep().keys()]).toEqual([6, 7, 8, 9, 10]);

    const split = new Map([...first.lossByStep(), ...second.lossByStep()]);
    expect(split.size).toBe(2 * k);
    for (const [step, loss] of straight.lossByStep()) expect(Math.abs((split.get(step) ?? Infinity) - loss)).toBeLessThanOrEqual(1e-5);
    const evalOf = (r: typeof straight) => r.metrics.find((m) => m.name === 'eval_loss')?.value;
    expect(evalOf(second)).toBeCloseTo(evalOf(straight) ?? Infinity, 5);
  });

  it('stops mid-finetuning with a checkpoint of that step, then resumes there and finishes with the same scores', async () => {
    const training = tinyTraining({ pretrain: { steps: 3 }, finetune: { tasks: ['sentiment', 'spam'], steps: 4 }, checkpointEvery: 1000 });
    const straight = recordingHooks();
    const full = await runCell(tinyCellConfig({ ...dirs, runId: 'straight', training }), straight.hooks);

    const first = recordingHooks(9); // step 9 is the 2nd step of the second task (spam: steps 8..11)
    expect(await runCell(tinyCellConfig({ ...dirs, runId: 'split', training }), first.hooks)).toEqual({ status: 'stopped', step: 9 });
    expect(first.checkpoints.at(-1)).toMatchObject({ phase: 'finetune:spam', step: 9 });
    const second = recordingHooks();
    const resumed = await runCell(tinyCellConfig({ ...dirs, runId: 'split', training }), second.hooks);

    expect([...second.lossByStep().keys()]).toEqual([10, 11]);
    for (const [step, loss] of second.lossByStep()) expect(Math.abs((straight.lossByStep().get(step) ?? Infinity) - loss)).toBeLessThanOrEqual(1e-5);
    expect(resumed.status === 'completed' && resumed.result.scores).toEqual(full.status === 'completed' && full.result.scores);
  });

  it('refuses to resume a checkpoint written with another seed', async () => {
    const training = tinyTraining({ pretrain: { steps: 2 } });
    await runCell(tinyCellConfig({ ...dirs, training }), recordingHooks(1).hooks);
    await expect(runCell(tinyCellConfig({ ...dirs, training, seed: 12 }), recordingHooks().hooks)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID', details: ['seed: checkpoint 11, run 12'],
    });
  });
});

describe('runCell divergence', () => {
  let dirs: Awaited<ReturnType<typeof tempRunDirs>>;
  beforeEach(async () => {
    dirs = await tempRunDirs();
  });
  afterEach(async () => {
    await dirs.cleanup();
  });

  it('fails with TRAINING_DIVERGED when an absurd learning rate blows the loss up', async () => {
    const training = tinyTraining({ pretrain: { steps: 30, optimizer: 'adam', learningRate: 10, warmupSteps: 0, gradClipNorm: 0 } });
    await expect(runCell(tinyCellConfig({ ...dirs, training }), recordingHooks().hooks)).rejects.toMatchObject({ code: 'TRAINING_DIVERGED' });
  });
});

describe('runCell finetuning', () => {
  let dirs: Awaited<ReturnType<typeof tempRunDirs>>;
  beforeEach(async () => {
    dirs = await tempRunDirs();
  });
  afterEach(async () => {
    await dirs.cleanup();
  });

  it('learns a synthetic keyword task to at least 90% rank-classification accuracy', async () => {
    const training = tinyTraining({ finetune: { tasks: ['sentiment'], steps: 50, batchSize: 16, learningRate: 3e-2, evalExamples: 40 } });
    const outcome = await runCell(tinyCellConfig({ ...dirs, training, skipPretraining: true }), recordingHooks().hooks);
    expect(outcome.status === 'completed' && outcome.result.scores[0]?.value).toBeGreaterThanOrEqual(0.9);
  });

  it('numbers finetuning steps from 1 and evaluates the untrained model upstream when pretraining is skipped', async () => {
    const rec = recordingHooks();
    const training = tinyTraining({ finetune: { tasks: ['wic'], steps: 2 } });
    const outcome = await runCell(tinyCellConfig({ ...dirs, training, skipPretraining: true }), rec.hooks);
    expect([...rec.lossByStep().keys()]).toEqual([1, 2]);
    expect(rec.metrics.filter((m) => m.name === 'eval_loss').map((m) => m.step)).toEqual([0]);
    expect(outcome.status === 'completed' && outcome.result.evalLoss).toBeGreaterThan(4);
  });
});

describe('runCell on the shipped corpus', () => {
  let dirs: Awaited<ReturnType<typeof tempRunDirs>>;
  beforeEach(async () => {
    dirs = await tempRunDirs();
  });
  afterEach(async () => {
    await dirs.cleanup();
  });

  it('pretrains a few steps on the default corpus and reports a finite held-out loss', async () => {
    // A cache shared between test runs: the tokenizer and token files are keyed by content and written atomically.
    const cacheDir = path.join(tmpdir(), 'shapesweep-model-test-cache');
    const rec = recordingHooks();
    const training = tinyTraining({ pretrain: { steps: 3, evalEvery: 3, evalBatches: 2, corpus: 'default' } });
    const outcome = await runCell({ ...tinyCellConfig({ ...dirs, training, cacheDir }), corpus: undefined }, rec.hooks);
    expect(outcome.status).toBe('completed');
    if (outcome.status !== 'completed') return;
    expect(outcome.result.downstreamMean).toBeNull();
    expect(outcome.result.evalLoss).toBeGreaterThan(1);
    expect(outcome.result.evalLoss).toBeLessThan(MAX_LOSS);
    expect(outcome.result.tokensSeen).toBeGreaterThan(3 * 4 * 30);
    expect(rec.checkpoints.map((c) => c.step)).toEqual([3]);
  });
});
