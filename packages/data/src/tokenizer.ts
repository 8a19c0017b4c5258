// Byte-level BPE tokenizer (GPT-2 style) with T5's special tokens.
//
// Vocabulary layout (ids are fixed so that checkpoints and the model agree without looking at the tokenizer):
//   0 pad (also the decoder start token, as in T5) · 1 eos · 2 unk
//   3 … 258                       the 256 byte values (byte b has id 3 + b): every input is representable, so unk is
//                                 never produced by encode; the id is kept for compatibility with T5 conventions
//   259 … 259 + merges - 1        learned merges, in the order they were learned (lower id = higher priority)
//   vocabSize - 100 … vocabSize-1 the 100 sentinels <extra_id_99> … <extra_id_0>; sentinelId(i) = vocabSize - 1 - i
// When the training sample runs out of pairs worth merging (count < 2) before the merge slots are full, the remaining
// ids between the last merge and the first sentinel stay unused (they decode to nothing) so vocabSize is always exact.
//
// Pre-tokenisation splits text into words with their leading space, runs of digits, runs of punctuation and runs of
// whitespace (the GPT-2 pattern); merges never cross those boundaries, which keeps training and encoding fast (each
// distinct word is encoded once and cached).
import { z } from 'zod';
import { ShapesweepError } from '@shapesweep/contract';

export const PAD_ID = 0;
export const EOS_ID = 1;
export const UNK_ID = 2;
/** Id of the first byte token (byte b ↦ BYTE_OFFSET + b). */
export const BYTE_OFFSET = 3;
/** Id of the first learned merge. */
export const FIRST_MERGE_ID = BYTE_OFFSET + 256;
/** Sentinel tokens at the end of the vocabulary, as in T5. */
export const SENTINEL_COUNT = 100;
/** Fewest learned merges a vocabulary must leave room for. */
export const MIN_MERGES = 16;
/** Smallest vocabulary: specials + bytes + sentinels + MIN_MERGES = 375. */
export const MIN_VOCAB_SIZE = FIRST_MERGE_ID + SENTINEL_COUNT + MIN_MERGES;
/** Largest vocabulary (pair keys are packed as a * 2^21 + b, which stays a safe integer). */
export const MAX_VOCAB_SIZE = 1 << 21;
/** Bumped whenever training or encoding changes the ids it produces; part of every cache key. */
export const TOKENIZER_ALGORITHM_VERSION = 1;
const TOKENIZER_FORMAT = 'shapesweep-byte-bpe';

// GPT-2's pre-tokenisation pattern with Unicode classes: contractions, words, numbers, punctuation runs, whitespace.
const PRETOKEN_PATTERN = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const PAIR_STRIDE = MAX_VOCAB_SIZE;
// Encoded-word cache bound: the default corpus has ~150k distinct pre-tokens; 2^18 keeps it whole.
const WORD_CACHE_LIMIT = 1 << 18;

const utf8 = new TextEncoder();

export const TokenizerJsonSchema = z.strictObject({
  format: z.literal(TOKENIZER_FORMAT),
  algorithmVersion: z.literal(TOKENIZER_ALGORITHM_VERSION),
  vocabSize: z.number().int().min(MIN_VOCAB_SIZE).max(MAX_VOCAB_SIZE),
  /** Learned merges flattened as [a0, b0, a1, b1, …]; merge k creates id FIRST_MERGE_ID + k. */
  merges: z.array(z.number().int().min(0)),
});
export type TokenizerJson = z.infer<typeof TokenizerJsonSchema>;

export interface TrainTokenizerOptions {
  /** Total vocabulary size including specials, bytes and the 100 sentinels; at least MIN_VOCAB_SIZE (375). */
  vocabSize: number;
  /**
   * Cap on the characters the merges are learned from. Longer inputs are sampled deterministically: the texts are
   * cut into 4,096-character chunks and every k-th chunk is kept. @defaultValue 3_000_000
   */
  maxTrainingChars?: number;
}

export function validateVocabSize(vocabSize: number): void {
  if (!Number.isInteger(vocabSize) || vocabSize < MIN_VOCAB_SIZE || vocabSize > MAX_VOCAB_SIZE) {
    throw new ShapesweepError(
      'DATA_INVALID',
      `vocabSize ${vocabSize} is not valid: it must be an integer in [${MIN_VOCAB_SIZE}, ${MAX_VOCAB_SIZE}] ` +
        `(3 special + 256 byte + ${SENTINEL_COUNT} sentinel tokens + at least ${MIN_MERGES} merges)`,
    );
  }
}

/** Splits text into pre-tokens (words with their leading space, digit runs, punctuation runs, whitespace runs). */
export function pretokenize(text: string): string[] {
  return text.match(PRETOKEN_PATTERN) ?? [];
}

export class Tokenizer {
  readonly vocabSize: number;
  readonly padId = PAD_ID;
  readonly eosId = EOS_ID;
  readonly unkId = UNK_ID;
  /** Learned merges, flattened [a0, b0, a1, b1, …]. */
  private readonly merges: Int32Array;
  /** Pair key (a * 2^21 + b) ↦ id of the merged token (its rank: lower id = learned earlier = applied first). */
  private readonly mergeIds: Map<number, number>;
  /** Bytes of every non-special id (empty for specials, sentinels and unused ids). */
  private readonly idBytes: Uint8Array[];
  private readonly wordCache = new Map<string, readonly number[]>();

  private constructor(vocabSize: number, merges: Int32Array) {
    this.vocabSize = vocabSize;
    this.merges = merges;
    this.mergeIds = new Map();
    this.idBytes = [];
    for (let id = 0; id < vocabSize; id++) this.idBytes.push(EMPTY_BYTES);
    for (let b = 0; b < 256; b++) this.idBytes[BYTE_OFFSET + b] = Uint8Array.of(b);
    const mergeCount = merges.length / 2;
    for (let k = 0; k < mergeCount; k++) {
      const a = merges[2 * k] as number;
      const b = merges[2 * k + 1] as number;
      const id = FIRST_MERGE_ID + k;
      this.mergeIds.set(a * PAIR_STRIDE + b, id);
      const left = this.idBytes[a] as Uint8Array;
      const right = this.idBytes[b] as Uint8Array;
      const joined = new Uint8Array(left.length + right.length);
      joined.set(left, 0);
      joined.set(right, left.length);
      this.idBytes[id] = joined;
    }
  }

  /** Number of learned merges (≤ vocabSize - 359). */
  get mergeCount(): number {
    return this.merges.length / 2;
  }

  /** Id of sentinel `<extra_id_i>`, i in [0, 100): vocabSize - 1 - i, as in T5. */
  sentinelId(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= SENTINEL_COUNT) throw new RangeError(`sentinel index must be an integer in [0, ${SENTINEL_COUNT}), got ${i}`);
    return this.vocabSize - 1 - i;
  }

  /** True for ids of sentinel tokens. */
  isSentinel(id: number): boolean {
    return id >= this.vocabSize - SENTINEL_COUNT && id < this.vocabSize;
  }

  /** Token ids of `text` (no eos appended). Lone UTF-16 surrogates are encoded as U+FFFD, as TextEncoder does. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of pretokenize(text)) {
      for (const id of this.encodeWord(piece)) ids.push(id);
    }
    return ids;
  }

  /**
   * Appends the ids of `text` to `sink` (used by encodeCorpus to avoid building one array per document).
   * Returns the number of ids appended.
   */
  encodeInto(text: string, sink: (id: number) => void): number {
    let n = 0;
    for (const piece of pretokenize(text)) {
      for (const id of this.encodeWord(piece)) {
        sink(id);
        n++;
      }
    }
    return n;
  }

  /**
   * Text of `ids`. pad and eos decode to nothing, unk to "<unk>", sentinel i to "<extra_id_i>"; invalid UTF-8 (a
   * sequence cut mid-character) becomes U+FFFD. decode(encode(s)) === s for every well-formed string.
   */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = (): void => {
      if (pendingBytes === 0) return;
      const buf = new Uint8Array(pendingBytes);
      let at = 0;
      for (const p of pending) {
        buf.set(p, at);
        at += p.length;
      }
      out += Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
      pending = [];
      pendingBytes = 0;
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`token id ${id} at position ${i} is outside [0, ${this.vocabSize})`);
      if (this.isSentinel(id)) {
        flush();
        out += `<extra_id_${this.vocabSize - 1 - id}>`;
      } else if (id === UNK_ID) {
        flush();
        out += '<unk>';
      } else {
        const bytes = this.idBytes[id] as Uint8Array;
        if (bytes.length > 0) {
          pending.push(bytes);
          pendingBytes += bytes.length;
        }
      }
    }
    flush();
    return out;
  }

  toJSON(): TokenizerJson {
    return { format: TOKENIZER_FORMAT, algorithmVersion: TOKENIZER_ALGORITHM_VERSION, vocabSize: this.vocabSize, merges: Array.from(this.merges) };
  }

  /** Rebuilds a tokenizer from toJSON() output (validated); the result encodes to identical ids. */
  static fromJSON(json: unknown): Tokenizer {
    const parsed = TokenizerJsonSchema.safeParse(json);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new ShapesweepError('DATA_INVALID', `tokenizer JSON is not valid: ${details.join('; ')}`, { details });
    }
    const { vocabSize, merges } = parsed.data;
    if (merges.length % 2 !== 0) throw new ShapesweepError('DATA_INVALID', `tokenizer JSON is not valid: merges has odd length ${merges.length}`);
    const mergeCount = merges.length / 2;
    if (FIRST_MERGE_ID + mergeCount > vocabSize - SENTINEL_COUNT) {
      throw new ShapesweepError('DATA_INVALID', `tokenizer JSON is not valid: ${mergeCount} merges do not fit vocabSize ${vocabSize}`);
    }
    for (let k = 0; k < mergeCount; k++) {
      const id = FIRST_MERGE_ID + k;
      for (const part of [merges[2 * k] as number, merges[2 * k + 1] as number]) {
        // A merge may only combine bytes or earlier merges.
        if (part < BYTE_OFFSET || part >= id) throw new ShapesweepError('DATA_INVALID', `tokenizer JSON is not valid: merges[${2 * k}] refers to id ${part}, which is not a byte or an earlier merge`);
      }
    }
    return new Tokenizer(vocabSize, Int32Array.from(merges));
  }

  /** Internal constructor for trainTokenizer. */
  static fromMerges(vocabSize: number, merges: Int32Array): Tokenizer {
    validateVocabSize(vocabSize);
    return new Tokenizer(vocabSize, merges);
  }

  private encodeWord(piece: string): readonly number[] {
    const cached = this.wordCache.get(piece);
    if (cached !== undefined) return cached;
    const bytes = utf8.encode(piece);
    let symbols: number[] = Array.from(bytes, (b) => BYTE_OFFSET + b);
    // Repeatedly apply the earliest-learned merge present in the word (standard BPE); words are short, so the
    // quadratic scan is cheaper than a heap.
    while (symbols.length > 1) {
      let bestId = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const id = this.mergeIds.get((symbols[i] as number) * PAIR_STRIDE + (symbols[i + 1] as number));
        if (id !== undefined && id < bestId) bestId = id;
      }
      if (bestId === Infinity) break;
      const k = bestId - FIRST_MERGE_ID;
      const a = this.merges[2 * k] as number;
      const b = this.merges[2 * k + 1] as number;
      const next: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          next.push(bestId);
          i++;
        } else {
          next.push(symbols[i] as number);
        }
      }
      symbols = next;
    }
    if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(piece, symbols);
    return symbols;
  }
}

const EMPTY_BYTES = new Uint8Array(0);
const SAMPLE_CHUNK_CHARS = 4096;

/** The deterministic training sample: every k-th 4,096-character chunk so that at most maxChars remain. */
export function sampleTrainingText(texts: readonly string[], maxChars: number): string[] {
  const total = texts.reduce((n, t) => n + t.length, 0);
  if (total <= maxChars) return [...texts];
  const stride = Math.ceil(total / maxChars);
  const sample: string[] = [];
  let chunkIndex = 0;
  let used = 0;
  for (const text of texts) {
    for (let at = 0; at < text.length; at += SAMPLE_CHUNK_CHARS) {
      if (chunkIndex % stride === 0) {
        // Short document tails make chunks uneven, so the stride alone can overshoot: cut the last chunk to the cap.
        const chunk = text.slice(at, at + Math.min(SAMPLE_CHUNK_CHARS, maxChars - used));
        sample.push(chunk);
        used += chunk.length;
        if (used >= maxChars) return sample;
      }
      chunkIndex++;
    }
  }
  return sample;
}

/**
 * Learns byte-level BPE merges from `texts` until the vocabulary is full or no pair occurs twice.
 * Deterministic: ties between equally frequent pairs go to the smaller (left id, right id).
 */
export function trainTokenizer(texts: readonly string[], options: TrainTokenizerOptions): Tokenizer {
  const { vocabSize } = options;
  validateVocabSize(vocabSize);
  const maxChars = options.maxTrainingChars ?? 3_000_000;
  if (!Number.isInteger(maxChars) || maxChars <= 0) throw new ShapesweepError('DATA_INVALID', `maxTrainingChars must be a positive integer, got ${maxChars}`);
  const mergeBudget = vocabSize - SENTINEL_COUNT - FIRST_MERGE_ID;

  // 1. Distinct pre-tokens and their frequencies.
  const wordFreq = new Map<string, number>();
  for (const text of sampleTrainingText(texts, maxChars)) {
    for (const piece of pretokenize(text)) wordFreq.set(piece, (wordFreq.get(piece) ?? 0) + 1);
  }
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [piece, freq] of wordFreq) {
    const bytes = utf8.encode(piece);
    if (bytes.length < 2) continue; // a single byte can never take part in a merge
    words.push(Array.from(bytes, (b) => BYTE_OFFSET + b));
    freqs.push(freq);
  }

  // 2. Pair counts and, per pair, the words that (may) contain it.
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1): void => {
    const symbols = words[w] as number[];
    const f = (freqs[w] as number) * sign;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = (symbols[i] as number) * PAIR_STRIDE + (symbols[i + 1] as number);
      pairCount.set(key, (pairCount.get(key) ?? 0) + f);
      if (sign === 1) {
        let set = pairWords.get(key);
        if (set === undefined) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  // 3. Merge the most frequent pair, updating only the words that contain it. A lazy max-heap holds (count, key)
  //    entries; an entry is stale when the pair's current count differs, and is dropped when popped.
  const heap = new PairHeap();
  for (const [key, count] of pairCount) heap.push(count, key);
  const merges: number[] = [];
  const touched = new Set<number>();
  while (merges.length / 2 < mergeBudget) {
    const top = heap.pop();
    if (top === undefined) break;
    const [count, key] = top;
    if (pairCount.get(key) !== count) continue; // stale entry
    if (count < 2) break; // nothing left that is worth a vocabulary slot
    const a = Math.floor(key / PAIR_STRIDE);
    const b = key % PAIR_STRIDE;
    const newId = FIRST_MERGE_ID + merges.length / 2;
    merges.push(a, b);
    touched.clear();
    const holders = pairWords.get(key) ?? new Set<number>();
    pairWords.delete(key);
    for (const w of holders) {
      const symbols = words[w] as number[];
      let present = false;
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          present = true;
          break;
        }
      }
      if (!present) continue;
      // Remove the word's old pairs, merge, add its new pairs; record every pair whose count changed.
      for (let i = 0; i + 1 < symbols.length; i++) touched.add((symbols[i] as number) * PAIR_STRIDE + (symbols[i + 1] as number));
      addPairs(w, -1);
      const merged: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(newId);
          i++;
        } else merged.push(symbols[i] as number);
      }
      words[w] = merged;
      addPairs(w, 1);
      for (let i = 0; i + 1 < merged.length; i++) touched.add((merged[i] as number) * PAIR_STRIDE + (merged[i + 1] as number));
    }
    pairCount.delete(key);
    for (const k of touched) {
      if (k === key) continue;
      const c = pairCount.get(k) ?? 0;
      if (c <= 0) {
        pairCount.delete(k);
        pairWords.delete(k);
      } else heap.push(c, k);
    }
  }
  return Tokenizer.fromMerges(vocabSize, Int32Array.from(merges));
}

/** Binary max-heap of (count, key), ordered by count descending then key ascending (the deterministic tie-break). */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] | undefined {
    const n = this.counts.length;
    if (n === 0) return undefined;
    const top: [number, number] = [this.counts[0] as number, this.keys[0] as number];
    const lastCount = this.counts.pop() as number;
    const lastKey = this.keys.pop() as number;
    if (n > 1) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      const size = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < size && this.before(l, best)) best = l;
        if (r < size && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] as number;
    const cj = this.counts[j] as number;
    return ci > cj || (ci === cj && (this.keys[i] as number) < (this.keys[j] as number));
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i] as number;
    this.counts[i] = this.counts[j] as number;
    this.counts[j] = c;
    const k = this.keys[i] as number;
    this.keys[i] = this.keys[j] as number;
    this.keys[j] = k;
  }
}
