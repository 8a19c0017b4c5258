import { describe, expect, it } from 'vitest';
import { trainTokenizer } from '../tokenizer.js';
import { sampleCorpus } from '../test-support/text.js';
import { encodeTaskBatch, encodeWithEos } from './encode.js';

const tokenizer = trainTokenizer(sampleCorpus(10), { vocabSize: 600 });

describe('encodeTaskBatch', () => {
  it('puts inputs in the encoder, label + eos in the target, the shifted target in the decoder input, and masks the rest', () => {
    const batch = encodeTaskBatch(tokenizer, [{ input: 'sentiment: the dog sleeps', label: 'positive' }, { input: 'sentiment: the fox', label: 'negative' }], { inputLength: 16, targetLength: 12 });
    const label = [...tokenizer.encode('negative'), tokenizer.eosId];
    const row = (a: ArrayLike<number>, b: number, n: number): number[] => Array.from(a).slice(b * n, (b + 1) * n);
    expect(row(batch.decoderTarget, 1, 12)).toEqual([...label, ...Array<number>(12 - label.length).fill(0)]);
    expect(row(batch.decoderInput, 1, 12)).toEqual([0, ...label, ...Array<number>(11 - label.length).fill(0)]);
    expect(row(batch.targetMask, 1, 12)).toEqual([...label.map(() => 1), ...Array<number>(12 - label.length).fill(0)]);
    expect(tokenizer.decode(row(batch.encoderInput, 1, 16))).toBe('sentiment: the fox');
  });

  it('truncates long inputs but keeps eos last, and refuses labels longer than the target', () => {
    const ids = encodeWithEos(tokenizer, 'The quick brown fox jumps over the lazy dog again and again and again', 8);
    expect(ids).toHaveLength(8);
    expect(ids[7]).toBe(tokenizer.eosId);
    expect(() => encodeTaskBatch(tokenizer, [{ input: 'x', label: 'a very long label word indeed' }], { inputLength: 8, targetLength: 3 })).toThrow(/needs \d+ target tokens, more than targetLength 3/);
  });
});
