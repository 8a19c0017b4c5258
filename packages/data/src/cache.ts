// On-disk caches so that a machine training several cells trains the tokenizer and tokenizes the corpus once.
// Every file is written atomically (temp file in the same directory, then rename), so concurrent trainers either see
// a complete file or none, and a crash never leaves a truncated cache behind. Keys hash everything the content depends
// on (corpus fingerprint, vocabulary size, sample size, algorithm version, tokenizer merges), so a stale file is never
// reused: it simply has another name.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { endianness } from 'node:os';
import path from 'node:path';
import type { Corpus } from './corpus.js';
import { sha256Hex } from './hash.js';
import { EOS_ID, TOKENIZER_ALGORITHM_VERSION, Tokenizer, trainTokenizer } from './tokenizer.js';

/** Default characters the tokenizer is trained on (a deterministic sample of the corpus' train split). */
export const DEFAULT_MAX_TRAINING_CHARS = 3_000_000;

/** Writes `data` to `file` atomically (temp file + rename), creating the directory. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(-40) || 'corpus';
}

export interface GetOrTrainTokenizerOptions {
  corpus: Corpus;
  vocabSize: number;
  /** Directory for the cached tokenizer JSON; omit to always train (nothing is written). */
  cacheDir?: string;
  /** @defaultValue 3_000_000 (DEFAULT_MAX_TRAINING_CHARS) */
  maxTrainingChars?: number;
}

/** Path of the cached tokenizer for these options (whether or not it exists yet). */
export function tokenizerCachePath(options: GetOrTrainTokenizerOptions & { cacheDir: string }): string {
  const maxChars = options.maxTrainingChars ?? DEFAULT_MAX_TRAINING_CHARS;
  const key = sha256Hex(options.corpus.fingerprint, String(options.vocabSize), String(TOKENIZER_ALGORITHM_VERSION), String(maxChars)).slice(0, 16);
  return path.join(options.cacheDir, `tokenizer-${slug(options.corpus.name)}-v${options.vocabSize}-a${TOKENIZER_ALGORITHM_VERSION}-${key}.json`);
}

/**
 * The tokenizer for (corpus, vocabSize): loaded from `cacheDir` when present, otherwise trained on the corpus' train
 * split (never on held-out text) and saved there. A corrupt cache file is retrained and overwritten.
 */
export async function getOrTrainTokenizer(options: GetOrTrainTokenizerOptions): Promise<Tokenizer> {
  const maxTrainingChars = options.maxTrainingChars ?? DEFAULT_MAX_TRAINING_CHARS;
  const file = options.cacheDir === undefined ? undefined : tokenizerCachePath({ ...options, cacheDir: options.cacheDir });
  if (file !== undefined) {
    const cached = await readIfExists(file);
    if (cached !== undefined) {
      try {
        return Tokenizer.fromJSON(JSON.parse(cached.toString('utf8')));
      } catch {
        // A damaged cache file is not an error for the caller: fall through and rebuild it.
      }
    }
  }
  const tokenizer = trainTokenizer(options.corpus.train, { vocabSize: options.vocabSize, maxTrainingChars });
  if (file !== undefined) await writeFileAtomic(file, JSON.stringify(tokenizer.toJSON()));
  return tokenizer;
}

/** A stable fingerprint of a tokenizer's vocabulary (hash of its JSON). */
export function tokenizerFingerprint(tokenizer: Tokenizer): string {
  return sha256Hex(JSON.stringify(tokenizer.toJSON()));
}

export interface EncodeCorpusOptions {
  corpus: Corpus;
  tokenizer: Tokenizer;
  /** Which part of the corpus. @defaultValue "train" */
  split?: 'train' | 'heldout';
  /** Directory for the cached token file (raw little-endian int32); omit to always encode. */
  cacheDir?: string;
}

/**
 * All documents of one split as a single token stream, each document followed by eos (id 1), ready for packing.
 * Cached as `<cacheDir>/tokens-<corpus>-<split>-<key>.i32` when cacheDir is given.
 */
export async function encodeCorpus(options: EncodeCorpusOptions): Promise<Int32Array> {
  const split = options.split ?? 'train';
  const texts = split === 'train' ? options.corpus.train : options.corpus.heldout;
  // The raw file is little-endian; on a big-endian host the cache is skipped rather than byte-swapped.
  const useCache = options.cacheDir !== undefined && endianness() === 'LE';
  const file =
    useCache && options.cacheDir !== undefined
      ? path.join(
          options.cacheDir,
          `tokens-${slug(options.corpus.name)}-${split}-${sha256Hex(options.corpus.fingerprint, tokenizerFingerprint(options.tokenizer), split).slice(0, 16)}.i32`,
        )
      : undefined;
  if (file !== undefined) {
    const cached = await readIfExists(file);
    if (cached !== undefined && cached.byteLength % 4 === 0) {
      // Copy into a fresh, aligned buffer: Buffer's pool offset need not be a multiple of 4.
      const tokens = new Int32Array(cached.byteLength / 4);
      new Uint8Array(tokens.buffer).set(cached);
      return tokens;
    }
  }
  const tokens = encodeTexts(options.tokenizer, texts);
  if (file !== undefined) await writeFileAtomic(file, new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength));
  return tokens;
}

/** Encodes texts into one Int32Array, eos after each text. */
export function encodeTexts(tokenizer: Tokenizer, texts: readonly string[]): Int32Array {
  let buffer = new Int32Array(1 << 16);
  let length = 0;
  const push = (id: number): void => {
    if (length === buffer.length) {
      const grown = new Int32Array(buffer.length * 2);
      grown.set(buffer);
      buffer = grown;
    }
    buffer[length++] = id;
  };
  for (const text of texts) {
    tokenizer.encodeInto(text, push);
    push(EOS_ID);
  }
  return buffer.slice(0, length);
}
