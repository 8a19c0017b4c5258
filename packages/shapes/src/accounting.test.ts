import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PRESETS, ShapeError, countParams, flopsPerToken, forwardFlops, resolveCellName, shapeCost, trainFlopsPerExample, type Shape,
} from './index.js';

const paper = { inputLength: 512, targetLength: 114 };
const at = (name: string, vocab = 32128): Shape => resolveCellName(name, { vocab }).shape;

// Hand counts, written out weight matrix by weight matrix (not through the formulas in accounting.ts).
describe('parameter counts against hand counts', () => {
  it('counts tiny (vocab 32128) weight by weight', () => {
    // dm 256, ff 1024, nh 4, kv 64 → attention inner 256.
    const embedding = 32128 * 256; // 8,224,768 (tied: also the output projection)
    const attention = 256 * 256 + 256 * 256 + 256 * 256 + 256 * 256; // q, k, v, o = 262,144
    const ffn = 256 * 1024 + 1024 * 256; // wi, wo = 524,288
    const encoderLayer = attention + ffn + 256 + 256; // + 2 norm scales = 786,944
    const decoderLayer = attention + attention + ffn + 256 + 256 + 256; // self + cross + ffn + 3 norms = 1,049,344
    const stackOnce = 32 * 4 + 256; // relative-position bias (32 buckets × 4 heads) + final norm = 384
    const encoder = 4 * encoderLayer + stackOnce; // 3,148,160
    const decoder = 4 * decoderLayer + stackOnce; // 4,197,760
    expect(countParams(at('tiny'))).toEqual({
      params: 15_570_688,
      embeddingParams: embedding,
      nonEmbeddingParams: encoder + decoder,
      encoderParams: 3_148_160,
      decoderParams: 4_197_760,
    });
    expect(embedding + encoder + decoder).toBe(15_570_688);
  });

  it('counts small-el16-dl4 (vocab 32128) weight by weight', () => {
    // dm 512, ff 2048, nh 8, kv 64 → attention inner 512; 16 encoder and 4 decoder layers.
    const attention = 4 * 512 * 512; // 1,048,576
    const ffn = 2 * 512 * 2048; // 2,097,152
    const encoderLayer = attention + ffn + 2 * 512; // 3,146,752
    const decoderLayer = 2 * attention + ffn + 3 * 512; // 4,195,840
    const stackOnce = 32 * 8 + 512; // 768
    expect(16 * encoderLayer + stackOnce).toBe(50_348_800);
    expect(4 * decoderLayer + stackOnce).toBe(16_784_128);
    expect(countParams(at('small-el16-dl4'))).toEqual({
      params: 16_449_536 + 50_348_800 + 16_784_128, // 83,582,464
      embeddingParams: 32128 * 512, // 16,449,536
      nonEmbeddingParams: 50_348_800 + 16_784_128,
      encoderParams: 50_348_800,
      decoderParams: 16_784_128,
    });
  });

  it('counts a shape whose attention width nh·kv differs from dm', () => {
    // dm 10, ff 7, nh 3, kv 5 → attention inner 15; q,k,v are 10×15, o is 15×10.
    const shape: Shape = { el: 2, dl: 3, dm: 10, ff: 7, nh: 3, kv: 5, vocab: 400 };
    const attention = 10 * 15 + 10 * 15 + 10 * 15 + 15 * 10; // 600
    const ffn = 10 * 7 + 7 * 10; // 140
    const encoder = 2 * (attention + ffn + 2 * 10) + 32 * 3 + 10; // 2·760 + 96 + 10 = 1,626
    const decoder = 3 * (2 * attention + ffn + 3 * 10) + 32 * 3 + 10; // 3·1,370 + 106 = 4,216
    expect(countParams(shape)).toEqual({
      params: 4000 + 1626 + 4216,
      embeddingParams: 400 * 10,
      nonEmbeddingParams: 1626 + 4216,
      encoderParams: encoder,
      decoderParams: decoder,
    });
  });

  it('reproduces the published parameter counts of the T5 v1.0 checkpoints', () => {
    // t5-small, t5-base, t5-large, t5-3b, t5-11b as reported by their released weights.
    expect(countParams(at('small')).params).toBe(60_506_624);
    expect(countParams(at('base')).params).toBe(222_903_552);
    expect(countParams(at('large')).params).toBe(737_668_096);
    expect(countParams(at('xl')).params).toBe(2_851_598_336);
    expect(countParams(at('xxl')).params).toBe(11_307_321_344);
  });
});

describe('FLOP accounting', () => {
  it('counts the forward FLOPs of a small shape term by term', () => {
    // Shape from the hand count above, 6 input and 4 target tokens; attention inner 15, so 4·15 = 60 FLOPs per
    // (query, key) pair.
    const shape: Shape = { el: 2, dl: 3, dm: 10, ff: 7, nh: 3, kv: 5, vocab: 400 };
    const crossKv = 3 * (10 * 15 + 10 * 15); // cross-attention K, V of 3 decoder layers: run on 6 encoder positions
    const weights = 2 * 1626 * 6 + 2 * crossKv * 6 + 2 * (4216 - crossKv) * 4; // 19,512 + 10,800 + 26,528
    const encoderAttention = 2 * 6 * 6 * 60; // 4,320
    const decoderSelfAttention = 3 * (1 + 2 + 3 + 4) * 60; // causal: 1,800
    const crossAttention = 3 * 4 * 6 * 60; // 4,320
    const outputProjection = 2 * 10 * 400 * 4; // 32,000
    expect(forwardFlops(shape, { inputLength: 6, targetLength: 4 })).toEqual({
      weights: 56_840,
      encoderAttention,
      decoderSelfAttention,
      crossAttention,
      outputProjection,
      total: 99_280,
    });
    expect(weights).toBe(56_840);
    expect(trainFlopsPerExample(shape, { inputLength: 6, targetLength: 4 })).toBe(297_840);
    expect(flopsPerToken(shape, { inputLength: 6, targetLength: 4 })).toEqual({ forward: 9928, train: 29_784 });
  });

  it('gives 425.3 GFLOPs per 512/114 training example for base, as PAPER.md states (≈425)', () => {
    expect(forwardFlops(at('base'), paper).total).toBe(141_770_580_480);
    expect(trainFlopsPerExample(at('base'), paper)).toBe(425_311_741_440);
    // The naive 6·N_nonembedding·(L_in + L_tgt) that the paper warns about: ≈744 GFLOPs.
    expect(((6 * countParams(at('base')).nonEmbeddingParams * 626) / 1e9).toFixed(1)).toBe('744.5');
  });

  it('makes training cost three forward passes and bundles counts and FLOPs in shapeCost', () => {
    const cost = shapeCost(at('small-nl16', 2048), { inputLength: 64, targetLength: 16 });
    expect(cost.trainFlopsPerExample).toBe(3 * cost.forwardFlopsPerExample);
    expect(cost).toMatchObject({ ...countParams(at('small-nl16', 2048)), inputLength: 64, targetLength: 16 });
  });

  it('grows FLOPs with every dimension and length', () => {
    const dims = fc.record({
      el: fc.integer({ min: 1, max: 48 }), dl: fc.integer({ min: 1, max: 48 }), dm: fc.integer({ min: 1, max: 2048 }),
      ff: fc.integer({ min: 1, max: 8192 }), nh: fc.integer({ min: 1, max: 32 }), kv: fc.integer({ min: 1, max: 256 }),
      vocab: fc.integer({ min: 375, max: 40000 }),
    });
    const lengths = fc.record({ inputLength: fc.integer({ min: 1, max: 1024 }), targetLength: fc.integer({ min: 1, max: 256 }) });
    fc.assert(fc.property(dims, lengths, fc.constantFrom('el', 'dl', 'dm', 'ff', 'nh', 'kv', 'vocab'), (shape, len, field) => {
      const bigger = { ...shape, [field]: shape[field as keyof Shape] + 1 };
      expect(forwardFlops(bigger, len).total).toBeGreaterThan(forwardFlops(shape, len).total);
      expect(forwardFlops(shape, { ...len, inputLength: len.inputLength + 1 }).total).toBeGreaterThan(forwardFlops(shape, len).total);
      expect(forwardFlops(shape, { ...len, targetLength: len.targetLength + 1 }).total).toBeGreaterThan(forwardFlops(shape, len).total);
    }));
  });

  it('rejects lengths that are not positive integers, naming the field', () => {
    expect(() => forwardFlops({ ...PRESETS.tiny, vocab: 512 }, { inputLength: 0, targetLength: 4 })).toThrow(ShapeError);
    expect(() => forwardFlops({ ...PRESETS.tiny, vocab: 512 }, { inputLength: 8, targetLength: 1.5 })).toThrow(
      'targetLength must be an integer in [1, 1048576], got 1.5',
    );
  });
});
