import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, loadPretrainingCorpus, reflowParagraphs, splitHeldout, type Corpus } from './corpus.js';
import { encodeCorpus, getOrTrainTokenizer, tokenizerCachePath } from './cache.js';
import { EOS_ID } from './tokenizer.js';
import { sampleCorpus } from './test-support/text.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'shapesweep-data-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('loadPretrainingCorpus("default")', () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = await loadPretrainingCorpus('default');
  });

  it('holds the 18 Gutenberg books and 233 State of the Union speeches, about 22 MB of text', () => {
    expect(corpus.name).toBe('default');
    expect(corpus.documents).toHaveLength(18 + 233);
    const chars = corpus.documents.reduce((n, d) => n + d.length, 0);
    expect(chars).toBeGreaterThan(21_000_000);
    expect(chars).toBeLessThan(23_000_000);
  });

  it('drops the "[Title by Author]" line and CRs, and reads the latin1 book as latin1', () => {
    expect(corpus.documents.some((d) => d.startsWith('['))).toBe(false);
    expect(corpus.documents.some((d) => d.includes('\r'))).toBe(false);
    expect(corpus.documents.some((d) => d.includes('Cæsar, my L'))).toBe(true);
    expect(corpus.documents.some((d) => d.includes('\uFFFD'))).toBe(false);
  });

  it('holds out the last ~2% of every long document, disjoint from its train part', () => {
    const heldoutChars = corpus.heldout.reduce((n, d) => n + d.length, 0);
    const allChars = corpus.documents.reduce((n, d) => n + d.length, 0);
    expect(heldoutChars / allChars).toBeGreaterThan(0.015);
    expect(heldoutChars / allChars).toBeLessThan(0.025);
    const emma = corpus.documents[0] as string;
    const [head, tail] = splitHeldout(emma);
    expect(corpus.train[0]).toBe(head);
    expect(emma.endsWith(tail)).toBe(true);
    expect(head.length + tail.length).toBeLessThanOrEqual(emma.length);
  });
});

describe('loadPretrainingCorpus(directory)', () => {
  it('reads every .txt file under the directory, nested ones too, in path order', async () => {
    const dir = path.join(scratch, 'user-corpus');
    await mkdir(path.join(dir, 'b'), { recursive: true });
    await writeFile(path.join(dir, 'a.txt'), 'first\r\ndocument');
    await writeFile(path.join(dir, 'b', 'c.txt'), '\uFEFFsecond document');
    await writeFile(path.join(dir, 'notes.md'), 'ignored');
    const corpus = await loadPretrainingCorpus(dir);
    expect(corpus.name).toBe(`dir:${dir}`);
    expect(corpus.documents).toEqual(['first\ndocument', 'second document']);
  });

  it('names the file and byte offset when a file is not UTF-8', async () => {
    const dir = path.join(scratch, 'latin1-corpus');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'ok.txt'), 'fine');
    await writeFile(path.join(dir, 'bad.txt'), Buffer.from('Caf\xe9 au lait', 'latin1'));
    await expect(loadPretrainingCorpus(dir)).rejects.toThrow(`${path.join(dir, 'bad.txt')}: not valid UTF-8 (at byte 3)`);
  });

  it('says so when the directory has no .txt files or does not exist', async () => {
    const empty = path.join(scratch, 'empty-corpus');
    await mkdir(empty, { recursive: true });
    await expect(loadPretrainingCorpus(empty)).rejects.toThrow(/contains no \.txt files/);
    await expect(loadPretrainingCorpus(path.join(scratch, 'missing'))).rejects.toThrow(/does not exist/);
  });
});

describe('reflowParagraphs', () => {
  it('joins hard-wrapped lines and keeps paragraphs on separate lines', () => {
    expect(reflowParagraphs('One line\nwrapped  here.\n\n\nNext\n   paragraph.\n')).toBe('One line wrapped here.\nNext paragraph.');
  });
});

describe('token caches', () => {
  const corpus = buildCorpus('unit-sample', sampleCorpus(40));

  it('trains the tokenizer once and loads the cached JSON afterwards', async () => {
    const cacheDir = path.join(scratch, 'cache-tok');
    const first = await getOrTrainTokenizer({ corpus, vocabSize: 512, cacheDir });
    expect(await readdir(cacheDir)).toEqual([path.basename(tokenizerCachePath({ corpus, vocabSize: 512, cacheDir }))]);
    const second = await getOrTrainTokenizer({ corpus, vocabSize: 512, cacheDir });
    expect(second.toJSON()).toEqual(first.toJSON());
    // A different vocabulary size is a different cache entry.
    await getOrTrainTokenizer({ corpus, vocabSize: 480, cacheDir });
    expect(await readdir(cacheDir)).toHaveLength(2);
  });

  it('retrains over a damaged cache file instead of failing', async () => {
    const cacheDir = path.join(scratch, 'cache-damaged');
    const file = tokenizerCachePath({ corpus, vocabSize: 512, cacheDir });
    await mkdir(cacheDir, { recursive: true });
    await writeFile(file, '{"format":');
    const tokenizer = await getOrTrainTokenizer({ corpus, vocabSize: 512, cacheDir });
    expect(tokenizer.vocabSize).toBe(512);
  });

  it('encodes a split as one stream with eos after every document, identical from the cache', async () => {
    const cacheDir = path.join(scratch, 'cache-enc');
    const tokenizer = await getOrTrainTokenizer({ corpus, vocabSize: 512 });
    const fresh = await encodeCorpus({ corpus, tokenizer, split: 'train', cacheDir });
    const cached = await encodeCorpus({ corpus, tokenizer, split: 'train', cacheDir });
    expect(cached).toEqual(fresh);
    expect(fresh.filter((id) => id === EOS_ID)).toHaveLength(corpus.train.length);
    expect(fresh[fresh.length - 1]).toBe(EOS_ID);
    const firstEos = fresh.indexOf(EOS_ID);
    expect(tokenizer.decode(fresh.subarray(0, firstEos))).toBe(corpus.train[0]);
  });
});
