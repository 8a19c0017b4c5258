// The sentiment task: the labelled sentences of the `sentiment` package's test fixtures (IMDB, Amazon and Yelp
// reviews, 1,000 each, balanced), SST-2-like single sentences.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ShapesweepError } from '@shapesweep/contract';
import { z } from 'zod';
import { packageDir } from '../paths.js';
import { Rng } from '../rng.js';
import type { Task, TaskExample } from './types.js';

const DOMAINS = ['amazon', 'imdb', 'yelp'] as const;
const LABELS = ['negative', 'positive'] as const;
/** Fraction of every (domain, label) group held out for validation. */
const SENTIMENT_VALIDATION_FRACTION = 0.2;

const FixtureSchema = z.array(z.object({ text: z.string(), class: z.union([z.literal(0), z.literal(1), z.null()]) }));

/** Drops unlabelled rows (class null), trims, dedupes (first occurrence), splits 80/20 stratified by label × domain. */
export async function loadSentimentTask(): Promise<Task> {
  const dir = path.join(packageDir('sentiment'), 'test', 'fixtures');
  const seen = new Set<string>();
  const train: TaskExample[] = [];
  const validation: TaskExample[] = [];
  const rng = Rng.fromSeed(0x5e57);
  for (const domain of DOMAINS) {
    const file = path.join(dir, `${domain}.json`);
    const parsed = FixtureSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new ShapesweepError('DATA_INVALID', `${file}: not a list of {text, class}: ${parsed.error.issues[0]?.message ?? ''}`);
    const groups: TaskExample[][] = [[], []];
    for (const row of parsed.data) {
      if (row.class === null) continue;
      const text = row.text.replace(/\s+/g, ' ').trim();
      if (text.length === 0 || seen.has(text)) continue;
      seen.add(text);
      groups[row.class]?.push({ input: `sentiment: ${text}`, label: LABELS[row.class] });
    }
    for (const group of groups) {
      rng.shuffle(group);
      const cut = Math.round(group.length * SENTIMENT_VALIDATION_FRACTION);
      validation.push(...group.slice(0, cut));
      train.push(...group.slice(cut));
    }
  }
  return { name: 'sentiment', labels: [...LABELS], train: rng.shuffle(train), validation: rng.shuffle(validation), metrics: ['accuracy'] };
}
