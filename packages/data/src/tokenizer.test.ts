import { describe, expect, it } from 'vitest';
import { isShapesweepError } from '@shapesweep/contract';
import { BYTE_OFFSET, EOS_ID, FIRST_MERGE_ID, MIN_VOCAB_SIZE, PAD_ID, Tokenizer, UNK_ID, pretokenize, sampleTrainingText, trainTokenizer } from './tokenizer.js';
import { sampleCorpus } from './test-support/text.js';

const corpus = sampleCorpus(20);

/** Textbook BPE: recount every pair after every merge. Slow, obviously correct, used as the reference. */
function naiveMerges(texts: string[], mergeCount: number): number[] {
  const freq = new Map<string, number>();
  for (const t of texts) for (const p of pretokenize(t)) freq.set(p, (freq.get(p) ?? 0) + 1);
  let words = [...freq].map(([p, f]) => ({ symbols: [...Buffer.from(p, 'utf8')].map((b) => b + BYTE_OFFSET), f }));
  const merges: number[] = [];
  for (let m = 0; m < mergeCount; m++) {
    const counts = new Map<string, number>();
    for (const { symbols, f } of words) for (let i = 0; i + 1 < symbols.length; i++) counts.set(`${symbols[i]},${symbols[i + 1]}`, (counts.get(`${symbols[i]},${symbols[i + 1]}`) ?? 0) + f);
    let best: [number, number] | undefined;
    let bestCount = 0;
    for (const [k, c] of counts) {
      const [a, b] = k.split(',').map(Number) as [number, number];
      if (c > bestCount || (c === bestCount && best !== undefined && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestCount = c;
      }
    }
    if (best === undefined || bestCount < 2) break;
    const [a, b] = best;
    merges.push(a, b);
    const id = FIRST_MERGE_ID + m;
    words = words.map(({ symbols, f }) => {
      const out: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          out.push(id);
          i++;
        } else out.push(symbols[i] as number);
      }
      return { symbols: out, f };
    });
  }
  return merges;
}

describe('trainTokenizer', () => {
  it('learns the same merges as textbook BPE that recounts every pair', () => {
    const tokenizer = trainTokenizer(corpus, { vocabSize: FIRST_MERGE_ID + 100 + 120 });
    expect(tokenizer.toJSON().merges).toEqual(naiveMerges(corpus, 120));
  });

  it('keeps pad=0, eos=1, unk=2, the bytes next and the 100 sentinels at the end of the vocabulary', () => {
    const tokenizer = trainTokenizer(corpus, { vocabSize: 500 });
    expect([tokenizer.padId, tokenizer.eosId, tokenizer.unkId]).toEqual([PAD_ID, EOS_ID, UNK_ID]);
    expect([PAD_ID, EOS_ID, UNK_ID]).toEqual([0, 1, 2]);
    expect(tokenizer.encode('\u0000')).toEqual([BYTE_OFFSET]);
    expect(tokenizer.sentinelId(0)).toBe(499);
    expect(tokenizer.sentinelId(99)).toBe(400);
    expect(tokenizer.decode([tokenizer.sentinelId(0), tokenizer.sentinelId(7)])).toBe('<extra_id_0><extra_id_7>');
    expect(() => tokenizer.sentinelId(100)).toThrow(RangeError);
  });

  it('round-trips any text, including characters it never saw, through byte fallback', () => {
    const tokenizer = trainTokenizer(corpus, { vocabSize: 600 });
    for (const text of ['The fox jumps.', 'naïve café — “quotes”', '数据 и данные 🚀🧪', '  leading\n\ttabs\r\nand CRLF  ', '']) {
      const ids = tokenizer.encode(text);
      expect(ids.every((id) => id >= BYTE_OFFSET && id < 500)).toBe(true);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('compresses text it was trained on below one token per character', () => {
    const tokenizer = trainTokenizer(corpus, { vocabSize: 800 });
    const text = corpus[0] as string;
    expect(tokenizer.encode(text).length).toBeLessThan(text.length / 3);
  });

  it('reloads from JSON to a tokenizer that produces identical ids', () => {
    const tokenizer = trainTokenizer(corpus, { vocabSize: 700 });
    const reloaded = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    const probe = `${corpus.join(' ')} unseen words: zyzzyva, Ω, 🚀`;
    expect(reloaded.encode(probe)).toEqual(tokenizer.encode(probe));
    expect(reloaded.vocabSize).toBe(700);
    expect(reloaded.sentinelId(3)).toBe(tokenizer.sentinelId(3));
  });

  it('is deterministic: training twice on the same texts gives the same merges', () => {
    const a = trainTokenizer(corpus, { vocabSize: 640 });
    const b = trainTokenizer([...corpus], { vocabSize: 640 });
    expect(a.toJSON()).toEqual(b.toJSON());
  });

  it('rejects a vocabulary too small for specials, bytes, sentinels and some merges, naming the minimum', () => {
    expect(() => trainTokenizer(corpus, { vocabSize: 300 })).toThrow(new RegExp(`vocabSize 300 .*${MIN_VOCAB_SIZE}`));
    try {
      trainTokenizer(corpus, { vocabSize: 100.5 });
      expect.unreachable();
    } catch (err) {
      expect(isShapesweepError(err) && err.code).toBe('DATA_INVALID');
    }
  });

  it('rejects tokenizer JSON whose merges refer to later ids, naming the entry', () => {
    const json = trainTokenizer(corpus, { vocabSize: 400 }).toJSON();
    expect(() => Tokenizer.fromJSON({ ...json, merges: [FIRST_MERGE_ID + 5, BYTE_OFFSET] })).toThrow(/merges\[0\] refers to id 264/);
    expect(() => Tokenizer.fromJSON({ ...json, vocabSize: 'big' })).toThrow(/vocabSize/);
    expect(() => Tokenizer.fromJSON({ ...json, extra: 1 })).toThrow(/tokenizer JSON is not valid/);
  });

  it('samples long training text deterministically and within the character cap', () => {
    const texts = Array.from({ length: 50 }, (_, i) => `${i} `.repeat(5000));
    const sample = sampleTrainingText(texts, 100_000);
    expect(sample.reduce((n, t) => n + t.length, 0)).toBeLessThanOrEqual(100_000);
    expect(sampleTrainingText(texts, 100_000)).toEqual(sample);
    expect(new Set(sample.map((s) => s.trim().split(' ')[0])).size).toBeGreaterThan(10); // spread over documents
  });
});
