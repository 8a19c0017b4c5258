import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrainingConfigSchema } from '@shapesweep/contract';
import { LocalDirectoryStorage, type Checkpoint } from './index.js';

function makeCheckpoint(step: number, overrides: Partial<Checkpoint> = {}): Checkpoint {
  return {
    runId: 'run-1',
    step,
    phase: 'pretrain',
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, step)).toISOString(),
    shape: { el: 2, dl: 2, dm: 32, ff: 64, nh: 2, kv: 16, vocab: 512 },
    seed: 7,
    training: TrainingConfigSchema.parse({}),
    tokenizer: { format: 'x', merges: [1, 2, 3] },
    dataState: { position: 123, rng: [1, 2, 3, 4] },
    trainer: {
      progress: { tokensSeen: 1000, examplesSeen: 10, trainFlopsSpent: 1.5e9, trainSeconds: 2, wallSeconds: 2.5 },
      pretrainEval: null,
      scores: [],
      monitor: { steps: step, smoothedLoss: 3.2, bestSmoothedLoss: 3.1 },
      skipPretraining: false,
    },
    // Values chosen to include NaN, -0 and a subnormal: a bit-exact round trip must keep them all.
    weights: new Map([
      ['shared/embedding', Float32Array.from([1.5, -0, NaN, 1e-40, step])],
      ['encoder/final_norm', Float32Array.from([0.25])],
    ]),
    optimizer: { name: 'adafactor', step, slots: new Map([['shared/embedding/vr', Float32Array.from([0.1, 0.2])]]) },
    baseWeights: null,
    ...overrides,
  };
}

function bits(values: Float32Array | undefined): number[] {
  return values === undefined ? [] : Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

describe('LocalDirectoryStorage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ckpt-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a checkpoint bit-exactly, tensors and header', async () => {
    const storage = new LocalDirectoryStorage(dir);
    const original = makeCheckpoint(5, { phase: 'finetune:sentiment', baseWeights: new Map([['shared/embedding', Float32Array.from([9, 8])]]) });
    const { uri, bytes } = await storage.save('run-1', original);
    expect(uri.startsWith('file://')).toBe(true);
    expect(bytes).toBe((await readFile(fileURLToPath(uri))).length);
    const loaded = await storage.load(uri);
    for (const [name, values] of original.weights) expect(bits(loaded.weights.get(name))).toEqual(bits(values));
    expect(bits(loaded.optimizer.slots.get('shared/embedding/vr'))).toEqual(bits(original.optimizer.slots.get('shared/embedding/vr')));
    expect(bits(loaded.baseWeights?.get('shared/embedding'))).toEqual([...bits(Float32Array.from([9, 8]))]);
    const { weights: _w, optimizer: _o, baseWeights: _b, ...header } = loaded;
    const { weights: _w2, optimizer: _o2, baseWeights: _b2, ...expectedHeader } = original;
    expect(header).toEqual(expectedHeader);
    expect(loaded.optimizer.step).toBe(5);
  });

  it('returns the highest step as latest, lists oldest first, and keeps only the last few', async () => {
    const storage = new LocalDirectoryStorage(dir, { keepLast: 2 });
    expect(await storage.latest('run-1')).toBeNull();
    const saved = [];
    for (const step of [10, 2, 30]) saved.push(await storage.save('run-1', makeCheckpoint(step)));
    // The third save pruned the oldest step (2) and says so, for whoever keeps records of checkpoints.
    expect(saved.map((s) => s.removed)).toEqual([[], [], [saved[1]!.uri]]);
    const list = await storage.list('run-1');
    expect(list.map((c) => c.step)).toEqual([10, 30]);
    expect(list.every((c) => c.phase === 'pretrain' && c.bytes > 0)).toBe(true);
    expect((await storage.latest('run-1'))?.step).toBe(30);
    expect(await storage.list('another-run')).toEqual([]);
  });

  it('keeps run ids that look like paths inside its directory', async () => {
    const storage = new LocalDirectoryStorage(dir);
    const { uri } = await storage.save('../escape', makeCheckpoint(1, { runId: '../escape' }));
    expect(fileURLToPath(uri).startsWith(dir + path.sep)).toBe(true);
    expect((await storage.latest('../escape'))?.runId).toBe('../escape');
  });

  it('leaves no temp files behind after a save', async () => {
    const storage = new LocalDirectoryStorage(dir);
    await storage.save('run-1', makeCheckpoint(1));
    expect(await readdir(path.join(dir, 'run-1'))).toEqual(['step-0000000001.ckpt']);
  });

  it('rejects a truncated checkpoint with CHECKPOINT_INVALID', async () => {
    const storage = new LocalDirectoryStorage(dir);
    const { uri, bytes } = await storage.save('run-1', makeCheckpoint(1));
    await truncate(fileURLToPath(uri), bytes - 3);
    await expect(storage.load(uri)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('truncated') });
    await expect(storage.latest('run-1')).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
  });

  it('rejects a checkpoint whose tensor data was altered with CHECKPOINT_INVALID', async () => {
    const storage = new LocalDirectoryStorage(dir);
    const { uri } = await storage.save('run-1', makeCheckpoint(1));
    const file = fileURLToPath(uri);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    await expect(storage.load(uri)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('SHA-256') });
  });

  it('rejects a file that is not a checkpoint, or whose header fails validation, naming the field', async () => {
    const storage = new LocalDirectoryStorage(dir);
    const junk = path.join(dir, 'junk.ckpt');
    await writeFile(junk, 'hello world, not a checkpoint');
    await expect(storage.load(`file://${junk}`)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('magic') });

    const { uri } = await storage.save('run-1', makeCheckpoint(1));
    const bytes = await readFile(fileURLToPath(uri));
    const tampered = Buffer.from(bytes.toString('latin1').replace('"phase":"pretrain"', '"phase":"Pretrain"'), 'latin1');
    await writeFile(fileURLToPath(uri), tampered);
    await expect(storage.load(uri)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', details: [expect.stringContaining('header.phase')] });
    await expect(storage.load('file:///does/not/exist.ckpt')).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
  });
});
