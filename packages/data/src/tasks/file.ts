// User tasks from files: JSONL ({text, label} or {text_a, text_b, label} per line) or GLUE-style TSV (a header row
// naming sentence/label or sentence1/sentence2/label columns). Every malformed line is reported as `file:line: reason`.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ShapesweepError } from '@shapesweep/contract';
import { z } from 'zod';
import { decodeUtf8 } from '../corpus.js';
import { hashBucket } from '../hash.js';
import { Rng } from '../rng.js';
import type { Task, TaskExample } from './types.js';

export type TaskFileFormat = 'jsonl' | 'tsv';

export interface LoadTaskFromFileOptions {
  /** Task name: the input prefix ("<name>: …") and Task.name. Letters, digits, '_' and '-'. */
  name: string;
  /** @defaultValue inferred from the extension: .jsonl/.json → jsonl, .tsv → tsv */
  format?: TaskFileFormat;
  /** A separate validation file (same format). @defaultValue none: the file is split by validationFraction */
  validationPath?: string;
  /** Share of examples held out (by a hash of the input) when there is no validation file. @defaultValue 0.2 */
  validationFraction?: number;
}

/** Where one example came from, for error messages. */
interface RawExample {
  textA: string;
  textB: string | undefined;
  label: string;
  where: string;
}

// Too many errors would flood a log; the first few locate the problem.
const MAX_REPORTED_ERRORS = 20;

const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v).trim()).pipe(z.string().min(1, 'label is empty'));
const SingleRowSchema = z.strictObject({ text: z.string().min(1, 'text is empty'), label: labelValue });
const PairRowSchema = z.strictObject({ text_a: z.string().min(1, 'text_a is empty'), text_b: z.string().min(1, 'text_b is empty'), label: labelValue });

function fail(file: string, errors: string[]): never {
  const shown = errors.slice(0, MAX_REPORTED_ERRORS);
  const more = errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : '';
  throw new ShapesweepError('DATA_INVALID', `${file}: ${errors.length} malformed line(s)${more}: ${shown.join('; ')}`, { details: shown });
}

async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new ShapesweepError('DATA_INVALID', `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new ShapesweepError('DATA_INVALID', `${file}: not valid UTF-8`);
  return text.replace(/^\uFEFF/, '');
}

/** Parses a JSONL task file; every line must be the same kind of row (single text or pair). */
function parseJsonl(file: string, content: string): RawExample[] {
  const examples: RawExample[] = [];
  const errors: string[] = [];
  let kind: 'single' | 'pair' | undefined;
  content.split(/\r?\n/).forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      errors.push(`${where}: not valid JSON (${(err as Error).message})`);
      return;
    }
    const isPair = typeof value === 'object' && value !== null && ('text_a' in value || 'text_b' in value);
    const rowKind = isPair ? 'pair' : 'single';
    if (kind !== undefined && rowKind !== kind) {
      errors.push(`${where}: a ${rowKind === 'pair' ? '{text_a, text_b, label}' : '{text, label}'} row in a file of ${kind === 'pair' ? '{text_a, text_b, label}' : '{text, label}'} rows`);
      return;
    }
    kind ??= rowKind;
    const parsed = (isPair ? PairRowSchema : SingleRowSchema).safeParse(value);
    if (!parsed.success) {
      errors.push(`${where}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`).join(', ')}`);
      return;
    }
    const row = parsed.data;
    examples.push('text' in row ? { textA: row.text, textB: undefined, label: row.label, where } : { textA: row.text_a, textB: row.text_b, label: row.label, where });
  });
  if (errors.length > 0) fail(file, errors);
  return examples;
}

const TSV_COLUMNS = { single: ['sentence', 'text'], first: ['sentence1', 'text_a', 'question', 'question1'], second: ['sentence2', 'text_b', 'question2'] };

/** Parses a GLUE-style TSV with a header row: sentence/label, or sentence1/sentence2/label (other columns ignored). */
function parseTsv(file: string, content: string): RawExample[] {
  const lines = content.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const find = (names: readonly string[]): number => header.findIndex((h) => names.includes(h));
  const labelColumn = header.indexOf('label');
  const firstColumn = find(TSV_COLUMNS.first);
  const secondColumn = find(TSV_COLUMNS.second);
  const singleColumn = find(TSV_COLUMNS.single);
  if (labelColumn < 0) throw new ShapesweepError('DATA_INVALID', `${file}:1: the header row has no "label" column (found: ${header.join(', ')})`);
  const pair = firstColumn >= 0 && secondColumn >= 0;
  if (!pair && singleColumn < 0) {
    throw new ShapesweepError('DATA_INVALID', `${file}:1: the header row needs a "sentence" column, or "sentence1" and "sentence2" columns (found: ${header.join(', ')})`);
  }
  const examples: RawExample[] = [];
  const errors: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const where = `${file}:${i + 1}`;
    const fields = line.split('\t');
    if (fields.length !== header.length) {
      errors.push(`${where}: expected ${header.length} tab-separated fields, got ${fields.length}`);
      continue;
    }
    const label = (fields[labelColumn] as string).trim();
    const textA = (fields[pair ? firstColumn : singleColumn] as string).trim();
    const textB = pair ? (fields[secondColumn] as string).trim() : undefined;
    if (label === '') errors.push(`${where}: label is empty`);
    else if (textA === '' || textB === '') errors.push(`${where}: ${textA === '' ? header[pair ? firstColumn : singleColumn] : header[secondColumn]} is empty`);
    else examples.push({ textA, textB, label, where });
  }
  if (errors.length > 0) fail(file, errors);
  return examples;
}

function formatOf(file: string, format: TaskFileFormat | undefined): TaskFileFormat {
  if (format !== undefined) return format;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv') return 'tsv';
  throw new ShapesweepError('DATA_INVALID', `${file}: cannot tell the format from the extension "${ext}"; pass format: "jsonl" or "tsv"`);
}

async function readExamples(file: string, format: TaskFileFormat | undefined): Promise<RawExample[]> {
  const fmt = formatOf(file, format);
  const content = await readText(file);
  const examples = fmt === 'jsonl' ? parseJsonl(file, content) : parseTsv(file, content);
  if (examples.length === 0) throw new ShapesweepError('DATA_INVALID', `${file}: contains no examples`);
  return examples;
}

/** In a GLUE-style directory, the first of these that exists is the training / validation file. */
const TRAIN_NAMES = ['train.tsv', 'train.jsonl'];
const VALIDATION_NAMES = ['dev.tsv', 'validation.tsv', 'dev.jsonl', 'validation.jsonl'];

async function firstExisting(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    const candidate = path.join(dir, name);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not there: try the next name
    }
  }
  return undefined;
}

/**
 * Loads a user task. `file` is a JSONL or TSV file, or a GLUE-style directory holding train.tsv (or train.jsonl) and
 * dev.tsv / validation.tsv (or .jsonl). Labels are the distinct label strings (sorted); metrics are accuracy, plus
 * macro-F1 when there are more than two labels.
 */
export async function loadTaskFromFile(file: string, options: LoadTaskFromFileOptions): Promise<Task> {
  const { name } = options;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) throw new ShapesweepError('DATA_INVALID', `task name ${JSON.stringify(name)} must be 1–64 letters, digits, '_' or '-'`);
  const fraction = options.validationFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new ShapesweepError('DATA_INVALID', `validationFraction must be in (0, 1), got ${fraction}`);
  let trainFile = path.resolve(file);
  let validationFile = options.validationPath === undefined ? undefined : path.resolve(options.validationPath);
  const info = await stat(trainFile).catch(() => undefined);
  if (info === undefined) throw new ShapesweepError('DATA_INVALID', `${trainFile}: no such file or directory`);
  if (info.isDirectory()) {
    const dir = trainFile;
    const found = await firstExisting(dir, TRAIN_NAMES);
    if (found === undefined) throw new ShapesweepError('DATA_INVALID', `${dir}: a task directory needs ${TRAIN_NAMES.join(' or ')}`);
    trainFile = found;
    validationFile ??= await firstExisting(dir, VALIDATION_NAMES);
  }
  const toExample = (raw: RawExample): TaskExample => ({
    input: raw.textB === undefined ? `${name}: ${raw.textA}` : `${name}: sentence1: ${raw.textA} sentence2: ${raw.textB}`,
    label: raw.label,
  });
  const rows = await readExamples(trainFile, options.format);
  let train: TaskExample[];
  let validation: TaskExample[];
  if (validationFile !== undefined) {
    train = rows.map(toExample);
    validation = (await readExamples(validationFile, options.format)).map(toExample);
  } else {
    const all = rows.map(toExample);
    // A hash of the input decides the side, so the split is stable when lines are added or reordered.
    const inValidation = (e: TaskExample): boolean => hashBucket(e.input, 10_000) < fraction * 10_000;
    train = all.filter((e) => !inValidation(e));
    validation = all.filter(inValidation);
  }
  const labels = [...new Set(train.map((e) => e.label))].sort();
  if (labels.length < 2) throw new ShapesweepError('DATA_INVALID', `${trainFile}: a classification task needs at least 2 distinct labels, found ${labels.length} (${labels.join(', ')})`);
  const known = new Set(labels);
  const unknown = [...new Set(validation.map((e) => e.label).filter((l) => !known.has(l)))];
  if (unknown.length > 0) {
    throw new ShapesweepError('DATA_INVALID', `${validationFile ?? trainFile}: validation labels never seen in training: ${unknown.slice(0, 10).join(', ')}`);
  }
  if (validation.length === 0) throw new ShapesweepError('DATA_INVALID', `${trainFile}: the validation split is empty; add examples or pass validationPath`);
  const rng = Rng.fromSeed(0xf11e);
  return { name, labels, train: rng.shuffle(train), validation: rng.shuffle(validation), metrics: labels.length > 2 ? ['accuracy', 'macro_f1'] : ['accuracy'] };
}
