import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isShapesweepError } from '@shapesweep/contract';
import { loadTaskFromFile } from './file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shapesweep-taskfiles-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

const jsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n');
const singleRows = Array.from({ length: 60 }, (_, i) => ({ text: `review number ${i} was ${i % 2 ? 'great' : 'awful'}`, label: i % 2 ? 'good' : 'bad' }));

describe('loadTaskFromFile', () => {
  it('loads JSONL {text, label} rows with the task name as input prefix and splits them ~80/20 by hash', async () => {
    const file = await write('reviews.jsonl', jsonl(singleRows));
    const task = await loadTaskFromFile(file, { name: 'reviews' });
    expect(task.labels).toEqual(['bad', 'good']);
    expect(task.train.length + task.validation.length).toBe(60);
    expect(task.validation.length).toBeGreaterThan(3);
    expect(task.validation.length).toBeLessThan(25);
    expect(task.train[0]?.input).toMatch(/^reviews: review number \d+ was/);
    expect(task.metrics).toEqual(['accuracy']);
    // Deterministic, and disjoint.
    expect(await loadTaskFromFile(file, { name: 'reviews' })).toEqual(task);
    const trainInputs = new Set(task.train.map((e) => e.input));
    expect(task.validation.some((e) => trainInputs.has(e.input))).toBe(false);
  });

  it('loads JSONL {text_a, text_b, label} pairs and numeric labels as words', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ text_a: `first ${i}`, text_b: `second ${i}`, label: i % 3 }));
    const task = await loadTaskFromFile(await write('pairs.jsonl', jsonl(rows)), { name: 'nli' });
    expect(task.labels).toEqual(['0', '1', '2']);
    expect(task.train[0]?.input).toMatch(/^nli: sentence1: first \d+ sentence2: second \d+$/);
    expect(task.metrics).toEqual(['accuracy', 'macro_f1']);
  });

  it('reports every malformed JSONL line with file and line number', async () => {
    const file = await write('broken.jsonl', [JSON.stringify({ text: 'ok', label: 'a' }), '{"text": "no label"}', '', 'not json', JSON.stringify({ text: '', label: 'b' })].join('\n'));
    try {
      await loadTaskFromFile(file, { name: 'broken' });
      expect.unreachable();
    } catch (err) {
      expect(isShapesweepError(err) && err.code).toBe('DATA_INVALID');
      const details = isShapesweepError(err) ? err.details : [];
      expect(details).toHaveLength(3);
      expect(details[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: label:`));
      expect(details[1]).toMatch(/broken\.jsonl:4: not valid JSON/);
      expect(details[2]).toMatch(/broken\.jsonl:5: text: text is empty/);
    }
  });

  it('reads GLUE-style TSV (sentence/label) and reports rows with the wrong number of fields by line', async () => {
    const good = await write('sst/train.tsv', ['sentence\tlabel', ...singleRows.map((r) => `${r.text}\t${r.label === 'good' ? 1 : 0}`)].join('\n'));
    await write('sst/dev.tsv', ['sentence\tlabel', 'a fine film\t1', 'a dull film\t0'].join('\n'));
    const task = await loadTaskFromFile(path.dirname(good), { name: 'sst2' });
    expect(task.labels).toEqual(['0', '1']);
    expect(task.train).toHaveLength(60);
    expect(task.validation.map((e) => e.input).sort()).toEqual(['sst2: a dull film', 'sst2: a fine film']);
    const bad = await write('bad.tsv', ['sentence\tlabel', 'fine\t1', 'too\tmany\tfields', 'missing label'].join('\n'));
    await expect(loadTaskFromFile(bad, { name: 'x' })).rejects.toThrow(/bad\.tsv:3: expected 2 tab-separated fields, got 3; .*bad\.tsv:4: expected 2 tab-separated fields, got 1/);
  });

  it('reads sentence-pair TSV and refuses a header without the needed columns', async () => {
    const pairs = await write('mrpc.tsv', ['index\tsentence1\tsentence2\tlabel', ...Array.from({ length: 30 }, (_, i) => `${i}\tleft ${i}\tright ${i}\t${i % 2}`)].join('\n'));
    const task = await loadTaskFromFile(pairs, { name: 'mrpc', validationFraction: 0.3 });
    expect(task.train[0]?.input).toMatch(/^mrpc: sentence1: left \d+ sentence2: right \d+$/);
    const headerless = await write('noheader.tsv', 'just text\t1\nmore text\t0');
    await expect(loadTaskFromFile(headerless, { name: 'x' })).rejects.toThrow(/noheader\.tsv:1: the header row has no "label" column/);
  });

  it('refuses unknown extensions, a single label and validation labels unseen in training', async () => {
    await expect(loadTaskFromFile(await write('data.csv', 'a,b'), { name: 'x' })).rejects.toThrow(/pass format: "jsonl" or "tsv"/);
    const one = await write('one.jsonl', jsonl(singleRows.map((r) => ({ ...r, label: 'same' }))));
    await expect(loadTaskFromFile(one, { name: 'x' })).rejects.toThrow(/at least 2 distinct labels/);
    const train = await write('t.jsonl', jsonl(singleRows));
    const validation = await write('v.jsonl', jsonl([{ text: 'meh', label: 'neutral' }]));
    await expect(loadTaskFromFile(train, { name: 'x', validationPath: validation })).rejects.toThrow(/never seen in training: neutral/);
    await expect(loadTaskFromFile(train, { name: 'bad name!' })).rejects.toThrow(/task name/);
  });
});
