import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import type { SpanCorruptionStream} from './spanCorruption.js';
import { corruptSpans, heldoutBatches, spanCorruptionBatches, spanCorruptionLengths, type SpanBatch } from './spanCorruption.js';

const VOCAB = 1000;
const sentinel = (i: number): number => VOCAB - 1 - i;
const isSentinel = (id: number): boolean => id >= VOCAB - 100;
const EOS = 1;
const PAD = 0;
// A token stream of distinct, non-special ids (3 … 802) so reconstruction can be checked position by position.
const tokens = Int32Array.from({ length: 20_000 }, (_, i) => 3 + (i % 800));

function stream(seed: number, extra: Partial<ConstructorParameters<typeof SpanCorruptionStream>[0]> = {}): SpanCorruptionStream {
  return spanCorruptionBatches({ tokens, inputLength: 64, targetLength: 24, batchSize: 4, seed, sentinel, eosId: EOS, padId: PAD, ...extra });
}

/** Interleaves target spans back into the input's sentinel slots: the original raw tokens. */
function reconstruct(input: Int32Array, target: Int32Array): number[] {
  const spans = new Map<number, number[]>();
  let current: number[] | undefined;
  for (const id of target) {
    if (id === EOS) break;
    if (isSentinel(id)) spans.set(id, (current = []));
    else current?.push(id);
  }
  const out: number[] = [];
  for (const id of input) {
    if (id === EOS) break;
    if (isSentinel(id)) out.push(...(spans.get(id) ?? [NaN]));
    else out.push(id);
  }
  return out;
}

function rows(batch: SpanBatch): { input: Int32Array; target: Int32Array; decoderInput: Int32Array; mask: Float32Array }[] {
  return Array.from({ length: batch.batchSize }, (_, b) => ({
    input: batch.encoderInput.subarray(b * batch.inputLength, (b + 1) * batch.inputLength),
    target: batch.decoderTarget.subarray(b * batch.targetLength, (b + 1) * batch.targetLength),
    decoderInput: batch.decoderInput.subarray(b * batch.targetLength, (b + 1) * batch.targetLength),
    mask: batch.targetMask.subarray(b * batch.targetLength, (b + 1) * batch.targetLength),
  }));
}

describe('spanCorruptionLengths', () => {
  it('derives the raw length whose corrupted input exactly fills the input, as T5 does (512 → 568 raw, 114 targets)', () => {
    expect(spanCorruptionLengths(512, 114)).toMatchObject({ rawLength: 568, inputTokens: 512, targetTokens: 114 });
    expect(spanCorruptionLengths(128, 32)).toMatchObject({ rawLength: 141, noiseTokens: 21, noiseSpans: 7, inputTokens: 128, targetTokens: 29 });
  });

  it('refuses a target length too short for the noise, saying how many tokens are needed', () => {
    expect(() => spanCorruptionLengths(128, 20)).toThrow(/targetLength 20 is too short.*needs 29/);
  });
});

describe('spanCorruptionBatches', () => {
  it('produces batch × length arrays with sentinels in inputs and targets, eos at the end, and a mask over real targets', () => {
    const batch = stream(1).next();
    expect(batch.encoderInput).toHaveLength(4 * 64);
    expect(batch.decoderTarget).toHaveLength(4 * 24);
    expect(batch.decoderInput).toHaveLength(4 * 24);
    expect(batch.targetMask).toHaveLength(4 * 24);
    const { inputTokens, targetTokens, noiseSpans } = spanCorruptionLengths(64, 24);
    for (const row of rows(batch)) {
      expect(row.input[inputTokens - 1]).toBe(EOS);
      expect([...row.input.subarray(inputTokens)].every((id) => id === PAD)).toBe(true);
      expect(row.target[targetTokens - 1]).toBe(EOS);
      expect([...row.input].filter(isSentinel)).toEqual(Array.from({ length: noiseSpans }, (_, i) => sentinel(i)));
      expect([...row.target].filter(isSentinel)).toEqual(Array.from({ length: noiseSpans }, (_, i) => sentinel(i)));
      expect(row.target[0]).toBe(sentinel(0));
      expect([...row.mask]).toEqual(Array.from({ length: 24 }, (_, t) => (t < targetTokens ? 1 : 0)));
      // Decoder input is the target shifted right, starting with the pad/start token.
      expect(row.decoderInput[0]).toBe(PAD);
      expect([...row.decoderInput.subarray(1)]).toEqual([...row.target.subarray(0, 23)]);
    }
  });

  it('loses no token: interleaving the target spans back into the inputs gives the packed original tokens', () => {
    const s = stream(2, { order: 'sequential' });
    const { rawLength } = s.lengths;
    let offset = 0;
    for (let k = 0; k < 5; k++) {
      for (const row of rows(s.next())) {
        expect(reconstruct(row.input, row.target)).toEqual([...tokens.subarray(offset, offset + rawLength)]);
        offset += rawLength;
      }
    }
  });

  it('corrupts about 15% of tokens in spans of mean length 3 over many examples', () => {
    const rng = Rng.fromSeed(3);
    const lengths = spanCorruptionLengths(512, 128);
    const raw = tokens.subarray(0, lengths.rawLength);
    let noise = 0;
    let spans = 0;
    let total = 0;
    const spanLengths: number[] = [];
    for (let n = 0; n < 300; n++) {
      const { target } = corruptSpans(raw, lengths, rng, sentinel, EOS);
      let run = 0;
      for (const id of target) {
        if (isSentinel(id) || id === EOS) {
          if (run > 0) spanLengths.push(run);
          run = 0;
          if (isSentinel(id)) spans++;
        } else {
          run++;
          noise++;
        }
      }
      total += raw.length;
    }
    expect(noise / total).toBeCloseTo(0.15, 2);
    expect(noise / spans).toBeGreaterThan(2.9);
    expect(noise / spans).toBeLessThan(3.1);
    // Span lengths vary (random segmentation), they are not all 3.
    expect(new Set(spanLengths).size).toBeGreaterThan(5);
  });

  it('resumes from a saved state to exactly the batches a straight run produces', () => {
    const straight = stream(42);
    const expected = Array.from({ length: 8 }, () => straight.next());
    const first = stream(42);
    for (let k = 0; k < 3; k++) first.next();
    const saved = JSON.parse(JSON.stringify(first.state()));
    const resumed = stream(999, { state: saved });
    for (let k = 3; k < 8; k++) expect(resumed.next()).toEqual(expected[k]);
    expect(resumed.state().batches).toBe(8);
  });

  it('wraps around the end of the token stream into a new epoch with fresh noise masks', () => {
    const small = Int32Array.from({ length: 300 }, (_, i) => 3 + i);
    const s = spanCorruptionBatches({ tokens: small, inputLength: 64, targetLength: 24, batchSize: 4, seed: 5, sentinel, eosId: EOS, padId: PAD, order: 'sequential' });
    const a = s.next();
    expect(s.state().epoch).toBe(1);
    const b = s.next();
    expect(rows(b)[0]?.input).not.toEqual(rows(a)[0]?.input);
    expect(reconstruct(rows(b)[0]!.input, rows(b)[0]!.target)).toEqual([...small.subarray(0, s.lengths.rawLength)]);
  });

  it('gives different noise for different seeds and identical batches for the same seed', () => {
    expect(stream(1).next()).toEqual(stream(1).next());
    expect(stream(1).next().encoderInput).not.toEqual(stream(2).next().encoderInput);
  });

  it('refuses a state saved with other lengths and a stream shorter than one example', () => {
    const state = stream(1).state();
    expect(() => stream(1, { inputLength: 128, targetLength: 40, state })).toThrow(/rawLength/);
    expect(() => stream(1, { tokens: new Int32Array(10) })).toThrow(/fewer than one example/);
  });
});

describe('heldoutBatches', () => {
  it('returns the same batches on every call', () => {
    const options = { tokens, inputLength: 64, targetLength: 24, batchSize: 2, count: 3, sentinel, eosId: EOS, padId: PAD };
    const a = heldoutBatches(options);
    expect(a).toHaveLength(3);
    expect(heldoutBatches(options)).toEqual(a);
  });

  describe('shuffled order (the default)', () => {
    // Every token of chunk c is 3 + c (fewer chunks than non-special ids), so a reconstructed row names its chunk.
    const { rawLength } = spanCorruptionLengths(64, 24);
    const unique = Int32Array.from({ length: 40_000 }, (_, i) => 3 + Math.floor(i / rawLength));

    function chunkIndices(s: SpanCorruptionStream, batches: number): number[] {
      const seen: number[] = [];
      for (let k = 0; k < batches; k++) {
        for (const row of rows(s.next())) seen.push(reconstruct(row.input, row.target)[0]! - 3);
      }
      return seen;
    }

    const make = (seed: number, extra: Partial<ConstructorParameters<typeof SpanCorruptionStream>[0]> = {}) =>
      spanCorruptionBatches({ tokens: unique, inputLength: 64, targetLength: 24, batchSize: 4, seed, sentinel, eosId: EOS, padId: PAD, ...extra });

    it('visits every whole chunk exactly once per epoch, spread over the stream rather than front to back', () => {
      const s = make(7);
      const chunkCount = Math.floor(unique.length / s.lengths.rawLength);
      const batches = Math.ceil(chunkCount / 4);
      const first = chunkIndices(s, batches).slice(0, chunkCount);
      expect(first.every((c) => Number.isInteger(c))).toBe(true);
      expect(new Set(first).size).toBe(chunkCount);
      // The first tenth of an epoch already reaches into the last half of the stream.
      expect(Math.max(...first.slice(0, Math.ceil(chunkCount / 10)))).toBeGreaterThan(chunkCount / 2);
    });

    it('draws a different permutation for another seed and for the next epoch', () => {
      const a = chunkIndices(make(1), 5);
      const b = chunkIndices(make(2), 5);
      expect(a).not.toEqual(b);
      const s = make(1);
      const chunkCount = Math.floor(unique.length / s.lengths.rawLength);
      const all = chunkIndices(s, Math.ceil((2 * chunkCount) / 4));
      expect(all.slice(chunkCount, chunkCount + 20)).not.toEqual(all.slice(0, 20));
    });

    it('resumes from a saved state to exactly the batches a straight run produces, across an epoch boundary', () => {
      const straight = make(11);
      const chunkCount = Math.floor(unique.length / straight.lengths.rawLength);
      const total = Math.ceil(chunkCount / 4) + 6;
      const expected = Array.from({ length: total }, () => straight.next());
      const first = make(11);
      const cut = Math.ceil(chunkCount / 4) - 2;
      for (let k = 0; k < cut; k++) first.next();
      const resumed = make(999, { state: JSON.parse(JSON.stringify(first.state())) });
      for (let k = cut; k < total; k++) expect(resumed.next()).toEqual(expected[k]);
    });

    it('refuses a start position, which only means something in sequential order', () => {
      expect(() => make(1, { startPosition: 10 })).toThrow(/sequential order only/);
    });
  });
});
