// T5's span-corruption objective over a packed token stream (Raffel et al. 2020, §3.1.4; the "span_corruption"
// preprocessor of the T5 codebase, re-derived here):
//   - consecutive tokens are packed into raw chunks of `rawLength` tokens (document eos tokens stay inside);
//   - round(rawLength · noiseDensity) tokens are noise, in round(noise / meanSpanLength) spans; the noise and the
//     non-noise tokens are each cut into that many non-empty segments uniformly at random and interleaved, starting
//     with non-noise;
//   - the input keeps non-noise tokens and replaces span j by sentinel j; the target is sentinel j followed by span
//     j's tokens, for every j; both end with eos;
//   - rawLength is the largest length whose corrupted input fits inputLength (T5's random_spans_helper), so inputs are
//     (nearly) full and no token is wasted.
// The stream is an explicit state machine (cursor + RNG state) so a checkpoint can resume it exactly.
import { ShapesweepError } from '@shapesweep/contract';
import { z } from 'zod';
import { Rng, RngStateSchema, type RngState } from './rng.js';
import { SENTINEL_COUNT } from './tokenizer.js';

export interface SpanCorruptionLengths {
  /** Raw tokens consumed per example. */
  rawLength: number;
  noiseTokens: number;
  noiseSpans: number;
  /** Tokens in the corrupted input including eos (≤ inputLength; the rest is padding). */
  inputTokens: number;
  /** Tokens in the target including eos (≤ targetLength; the rest is padding). */
  targetTokens: number;
}

function lengthsFor(rawLength: number, noiseDensity: number, meanSpanLength: number): SpanCorruptionLengths {
  // Same clamps as T5's random_spans_noise_mask: at least one noise and one non-noise token, at least one span.
  const noiseTokens = Math.min(Math.max(Math.round(rawLength * noiseDensity), 1), rawLength - 1);
  const noiseSpans = Math.max(Math.round(noiseTokens / meanSpanLength), 1);
  const nonNoise = rawLength - noiseTokens;
  return { rawLength, noiseTokens, noiseSpans, inputTokens: nonNoise + noiseSpans + 1, targetTokens: noiseTokens + noiseSpans + 1 };
}

/**
 * The raw length whose corrupted input fills at most `inputLength` tokens (the largest such), with the matching
 * target length. Throws DATA_INVALID when the target would not fit `targetLength` or more than 100 spans are needed.
 */
export function spanCorruptionLengths(inputLength: number, targetLength: number, noiseDensity = 0.15, meanSpanLength = 3): SpanCorruptionLengths {
  if (!Number.isInteger(inputLength) || inputLength < 3) throw new ShapesweepError('DATA_INVALID', `inputLength must be an integer ≥ 3, got ${inputLength}`);
  if (!Number.isInteger(targetLength) || targetLength < 3) throw new ShapesweepError('DATA_INVALID', `targetLength must be an integer ≥ 3, got ${targetLength}`);
  if (!(noiseDensity > 0 && noiseDensity < 1)) throw new ShapesweepError('DATA_INVALID', `noiseDensity must be in (0, 1), got ${noiseDensity}`);
  if (!(meanSpanLength > 0)) throw new ShapesweepError('DATA_INVALID', `meanSpanLength must be > 0, got ${meanSpanLength}`);
  let rawLength = 2;
  // inputTokens grows by 0 or 1 per raw token (plus occasional span rounding), so a linear search is exact and cheap.
  while (lengthsFor(rawLength + 1, noiseDensity, meanSpanLength).inputTokens <= inputLength) rawLength++;
  const lengths = lengthsFor(rawLength, noiseDensity, meanSpanLength);
  if (lengths.inputTokens > inputLength) throw new ShapesweepError('DATA_INVALID', `inputLength ${inputLength} is too short for span corruption`);
  if (lengths.targetTokens > targetLength) {
    throw new ShapesweepError(
      'DATA_INVALID',
      `targetLength ${targetLength} is too short: inputLength ${inputLength} at noiseDensity ${noiseDensity} and meanSpanLength ${meanSpanLength} needs ${lengths.targetTokens} target tokens`,
    );
  }
  if (lengths.noiseSpans > SENTINEL_COUNT) {
    throw new ShapesweepError('DATA_INVALID', `inputLength ${inputLength} needs ${lengths.noiseSpans} noise spans but only ${SENTINEL_COUNT} sentinels exist`);
  }
  return lengths;
}

/** Where a stream is: serialise it with a checkpoint and pass it back as `state` to continue identically. */
export const SpanCorruptionStateSchema = z.strictObject({
  version: z.literal(2),
  /** How chunks are visited (see SpanCorruptionOptions.order). */
  order: z.enum(['shuffled', 'sequential']),
  /** Seed of the per-epoch chunk permutation (shuffled order). */
  shuffleSeed: z.number().int(),
  /** Sequential: index in `tokens` of the next raw chunk. Shuffled: position of the next chunk in this epoch's permutation. */
  cursor: z.number().int().min(0),
  /** Completed passes over `tokens`. */
  epoch: z.number().int().min(0),
  /** Batches produced so far. */
  batches: z.number().int().min(0),
  rng: RngStateSchema,
  /** Raw chunk length the state was produced with; resuming with other lengths is refused. */
  rawLength: z.number().int().positive(),
});
export type SpanCorruptionState = Omit<z.infer<typeof SpanCorruptionStateSchema>, 'rng'> & { rng: RngState };

export interface SpanCorruptionOptions {
  /** The packed token stream (e.g. encodeCorpus output, eos between documents). */
  tokens: Int32Array;
  /** Encoder tokens per example (inputs are padded with padId to exactly this length). */
  inputLength: number;
  /** Decoder tokens per example (targets are padded to exactly this length). */
  targetLength: number;
  /** Fraction of raw tokens corrupted. @defaultValue 0.15 */
  noiseDensity?: number;
  /** Mean corrupted span length in tokens. @defaultValue 3 */
  meanSpanLength?: number;
  batchSize: number;
  /** Seed of the noise masks (ignored when `state` is given). */
  seed: number;
  /** Token id of sentinel i (tokenizer.sentinelId). */
  sentinel: (i: number) => number;
  eosId: number;
  /** Padding id; also the decoder start token (T5). */
  padId: number;
  /**
   * Order of the raw chunks. "shuffled" visits the chunks of each epoch in a seeded pseudo-random permutation, so a
   * short run samples the whole corpus instead of its first documents (the default corpus opens with the KJV Bible,
   * 37% of its bytes); "sequential" reads the packed stream front to back. @defaultValue "shuffled"
   */
  order?: 'shuffled' | 'sequential';
  /** Token index of the first raw chunk, sequential order only (ignored when `state` is given). @defaultValue 0 */
  startPosition?: number;
  /** Resume from a saved state(); overrides seed and startPosition. */
  state?: SpanCorruptionState;
}

/** One batch, row-major: element [b, t] of a (batch × length) array is at b * length + t. */
export interface SpanBatch {
  batchSize: number;
  inputLength: number;
  targetLength: number;
  /** batch × inputLength corrupted inputs, padded with padId. */
  encoderInput: Int32Array;
  /** batch × targetLength decoder inputs: the target shifted right by one, starting with padId (T5). */
  decoderInput: Int32Array;
  /** batch × targetLength targets (sentinel, span tokens, …, eos), padded with padId. */
  decoderTarget: Int32Array;
  /** batch × targetLength: 1 for real target tokens (eos included), 0 for padding. */
  targetMask: Float32Array;
}

export class SpanCorruptionStream implements Iterable<SpanBatch> {
  readonly lengths: SpanCorruptionLengths;
  private readonly options: SpanCorruptionOptions;
  private rng: Rng;
  private readonly order: 'shuffled' | 'sequential';
  private readonly shuffleSeed: number;
  private readonly chunkCount: number;
  private permutation: { epoch: number; multiplier: number; offset: number } | null = null;
  private cursor: number;
  private epoch: number;
  private batches: number;

  constructor(options: SpanCorruptionOptions) {
    const noiseDensity = options.noiseDensity ?? 0.15;
    const meanSpanLength = options.meanSpanLength ?? 3;
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new ShapesweepError('DATA_INVALID', `batchSize must be a positive integer, got ${options.batchSize}`);
    this.lengths = spanCorruptionLengths(options.inputLength, options.targetLength, noiseDensity, meanSpanLength);
    if (options.tokens.length < this.lengths.rawLength) {
      throw new ShapesweepError('DATA_INVALID', `the token stream has ${options.tokens.length} tokens, fewer than one example needs (${this.lengths.rawLength})`);
    }
    this.options = options;
    this.chunkCount = Math.floor(options.tokens.length / this.lengths.rawLength);
    if (options.state !== undefined) {
      const parsed = SpanCorruptionStateSchema.safeParse(options.state);
      if (!parsed.success) throw new ShapesweepError('DATA_INVALID', `span-corruption state is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const s = parsed.data;
      if (s.rawLength !== this.lengths.rawLength) throw new ShapesweepError('DATA_INVALID', `span-corruption state was saved with rawLength ${s.rawLength}, these options give ${this.lengths.rawLength}`);
      const cursorLimit = s.order === 'shuffled' ? this.chunkCount : options.tokens.length;
      if (s.cursor >= cursorLimit) throw new ShapesweepError('DATA_INVALID', `span-corruption state cursor ${s.cursor} is past the token stream (${s.order === 'shuffled' ? `${this.chunkCount} chunks` : `${options.tokens.length} tokens`})`);
      this.order = s.order;
      this.shuffleSeed = s.shuffleSeed;
      this.rng = Rng.fromState(s.rng);
      this.cursor = s.cursor;
      this.epoch = s.epoch;
      this.batches = s.batches;
    } else {
      const start = options.startPosition ?? 0;
      if (!Number.isInteger(start) || start < 0 || start >= options.tokens.length) throw new ShapesweepError('DATA_INVALID', `startPosition must be an integer in [0, ${options.tokens.length}), got ${start}`);
      this.order = options.order ?? 'shuffled';
      if (this.order === 'shuffled' && start !== 0) throw new ShapesweepError('DATA_INVALID', 'startPosition applies to sequential order only');
      this.shuffleSeed = options.seed;
      this.rng = Rng.fromSeed(options.seed);
      this.cursor = start;
      this.epoch = 0;
      this.batches = 0;
    }
  }

  /** The serialisable position: cursor, epoch, batch count and RNG state. */
  state(): SpanCorruptionState {
    return {
      version: 2, order: this.order, shuffleSeed: this.shuffleSeed, cursor: this.cursor, epoch: this.epoch,
      batches: this.batches, rng: this.rng.state(), rawLength: this.lengths.rawLength,
    };
  }

  next(): SpanBatch {
    const { batchSize, inputLength, targetLength, padId } = this.options;
    const encoderInput = new Int32Array(batchSize * inputLength).fill(padId);
    const decoderTarget = new Int32Array(batchSize * targetLength).fill(padId);
    const decoderInput = new Int32Array(batchSize * targetLength).fill(padId);
    const targetMask = new Float32Array(batchSize * targetLength);
    for (let b = 0; b < batchSize; b++) {
      const raw = this.takeRaw();
      const { input, target } = corruptSpans(raw, this.lengths, this.rng, this.options.sentinel, this.options.eosId);
      encoderInput.set(input, b * inputLength);
      decoderTarget.set(target, b * targetLength);
      // Teacher forcing: decoder input t is target t-1, and position 0 is the start token (pad).
      decoderInput.set(target.subarray(0, Math.min(target.length, targetLength - 1)), b * targetLength + 1);
      targetMask.fill(1, b * targetLength, b * targetLength + target.length);
    }
    this.batches++;
    return { batchSize, inputLength, targetLength, encoderInput, decoderInput, decoderTarget, targetMask };
  }

  [Symbol.iterator](): Iterator<SpanBatch> {
    return { next: () => ({ done: false, value: this.next() }) };
  }

  /** The next raw chunk; chunks never straddle the end of the stream (the tail is skipped and a new epoch starts). */
  private takeRaw(): Int32Array {
    return this.order === 'shuffled' ? this.takeShuffled() : this.takeSequential();
  }

  private takeSequential(): Int32Array {
    const { rawLength } = this.lengths;
    if (this.cursor + rawLength > this.options.tokens.length) {
      this.cursor = 0;
      this.epoch++;
    }
    const raw = this.options.tokens.subarray(this.cursor, this.cursor + rawLength);
    this.cursor += rawLength;
    // Wrap eagerly, so a saved state already points at the start of the next epoch.
    if (this.cursor + rawLength > this.options.tokens.length) {
      this.cursor = 0;
      this.epoch++;
    }
    return raw;
  }

  private takeShuffled(): Int32Array {
    const { rawLength } = this.lengths;
    const chunk = this.chunkAt(this.cursor);
    this.cursor++;
    if (this.cursor >= this.chunkCount) {
      this.cursor = 0;
      this.epoch++;
    }
    return this.options.tokens.subarray(chunk * rawLength, (chunk + 1) * rawLength);
  }

  /**
   * Chunk visited at `position` of the current epoch: an affine permutation i → (a·i + b) mod n with gcd(a, n) = 1,
   * drawn per epoch from the shuffle seed. It needs no table (the default corpus has ~40k chunks per epoch) and a
   * checkpoint only has to store the position, yet consecutive examples come from far-apart parts of the corpus.
   */
  private chunkAt(position: number): number {
    const n = this.chunkCount;
    if (this.permutation?.epoch !== this.epoch) {
      const draw = Rng.fromSeed(this.shuffleSeed * 65_537 + this.epoch);
      let multiplier = n === 1 ? 1 : 1 + draw.nextInt(n - 1);
      while (gcd(multiplier, n) !== 1) multiplier = (multiplier % (n - 1)) + 1;
      this.permutation = { epoch: this.epoch, multiplier, offset: draw.nextInt(n) };
    }
    // Products stay below 2^53: n is at most tokens.length / rawLength.
    return (this.permutation.multiplier * position + this.permutation.offset) % n;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A span-corruption stream over `tokens` (see SpanCorruptionStream). */
export function spanCorruptionBatches(options: SpanCorruptionOptions): SpanCorruptionStream {
  return new SpanCorruptionStream(options);
}

/** Lengths of `parts` non-empty segments summing to `total`, uniformly among all compositions. */
function randomSegmentation(total: number, parts: number, rng: Rng): number[] {
  // Choose parts-1 distinct cut points among the total-1 gaps (partial Fisher–Yates), then take the differences.
  const gaps = Array.from({ length: total - 1 }, (_, i) => i + 1);
  for (let i = 0; i < parts - 1; i++) {
    const j = i + rng.nextInt(gaps.length - i);
    const tmp = gaps[i] as number;
    gaps[i] = gaps[j] as number;
    gaps[j] = tmp;
  }
  const cuts = gaps.slice(0, parts - 1).sort((a, b) => a - b);
  const lengths: number[] = [];
  let previous = 0;
  for (const cut of cuts) {
    lengths.push(cut - previous);
    previous = cut;
  }
  lengths.push(total - previous);
  return lengths;
}

/** Corrupts one raw chunk: returns the unpadded input and target (both end with eos). */
export function corruptSpans(
  raw: Int32Array,
  lengths: SpanCorruptionLengths,
  rng: Rng,
  sentinel: (i: number) => number,
  eosId: number,
): { input: Int32Array; target: Int32Array } {
  const noise = randomSegmentation(lengths.noiseTokens, lengths.noiseSpans, rng);
  const keep = randomSegmentation(raw.length - lengths.noiseTokens, lengths.noiseSpans, rng);
  const input = new Int32Array(lengths.inputTokens);
  const target = new Int32Array(lengths.targetTokens);
  let r = 0;
  let i = 0;
  let t = 0;
  for (let span = 0; span < lengths.noiseSpans; span++) {
    const keepLength = keep[span] as number;
    input.set(raw.subarray(r, r + keepLength), i);
    i += keepLength;
    r += keepLength;
    const sentinelId = sentinel(span);
    input[i++] = sentinelId;
    target[t++] = sentinelId;
    const noiseLength = noise[span] as number;
    target.set(raw.subarray(r, r + noiseLength), t);
    t += noiseLength;
    r += noiseLength;
  }
  input[i] = eosId;
  target[t] = eosId;
  return { input, target };
}

export interface HeldoutBatchesOptions extends Omit<SpanCorruptionOptions, 'seed' | 'state' | 'startPosition'> {
  /** Number of batches. */
  count: number;
  /** Noise-mask seed; fixed so every evaluation of every run sees the same batches. @defaultValue 0 */
  seed?: number;
}

/**
 * `count` deterministic span-corruption batches from the held-out token stream, the first of its (seeded, shuffled)
 * order (the same batches for every call with the same options). If the stream is shorter than count · batchSize examples it
 * wraps around with fresh noise masks.
 */
export function heldoutBatches(options: HeldoutBatchesOptions): SpanBatch[] {
  const { count, seed, ...rest } = options;
  if (!Number.isInteger(count) || count < 0) throw new ShapesweepError('DATA_INVALID', `count must be a non-negative integer, got ${count}`);
  const stream = new SpanCorruptionStream({ ...rest, seed: seed ?? 0 });
  return Array.from({ length: count }, () => stream.next());
}
