// The Shape: every dimension that decides a T5 v1.0 encoder-decoder's parameter count and FLOPs.
import { ShapeError, describeValue } from './errors.js';

/** A concrete encoder-decoder shape (notation of PAPER.md). All fields are positive integers. */
export interface Shape {
  /** Encoder layers. */
  readonly el: number;
  /** Decoder layers. */
  readonly dl: number;
  /** d_model, the residual width. */
  readonly dm: number;
  /** d_ff, the feed-forward inner width. */
  readonly ff: number;
  /** Attention heads. */
  readonly nh: number;
  /** Per-head key/value width; the attention inner width is nh·kv. */
  readonly kv: number;
  /** Vocabulary size (shared, tied input/output embedding). */
  readonly vocab: number;
}

export const SHAPE_FIELDS = ['el', 'dl', 'dm', 'ff', 'nh', 'kv', 'vocab'] as const;
export type ShapeField = (typeof SHAPE_FIELDS)[number];

/**
 * Smallest vocabulary a shape may have: 3 special tokens (pad, eos, unk) + 256 byte tokens + 100 sentinels
 * (<extra_id_0..99>, used by span corruption) + at least 16 learned merges. Equal to @shapesweep/data's
 * MIN_VOCAB_SIZE; kept as a literal here because shapes sits below data in the dependency graph.
 */
export const MIN_VOCAB = 375;

/**
 * Inclusive upper bounds per field. Generous next to the paper (NL 2–40, DM ≤ 2048, FF ≤ 65536, NH ≤ 128,
 * KV ≤ 256, vocab 32128) but small enough that counts stay exact in a double and a typo (dm: 76800) is caught.
 */
export const SHAPE_MAX: Readonly<Record<ShapeField, number>> = {
  el: 256,
  dl: 256,
  dm: 65_536,
  ff: 1_048_576,
  nh: 1024,
  kv: 4096,
  vocab: 1_048_576,
};

/** Inclusive lower bounds per field. */
export const SHAPE_MIN: Readonly<Record<ShapeField, number>> = {
  el: 1, dl: 1, dm: 1, ff: 1, nh: 1, kv: 1, vocab: MIN_VOCAB,
};

/** Why `value` is not acceptable for `field`, or null when it is. */
export function shapeFieldProblem(field: ShapeField, value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return `${field} must be an integer, got ${describeValue(value)}`;
  }
  if (value < SHAPE_MIN[field]) {
    if (field === 'vocab') {
      return `vocab must be at least ${MIN_VOCAB} (3 special + 256 byte + 100 sentinel tokens + 16 merges), got ${value}`;
    }
    return `${field} must be a positive integer, got ${value}`;
  }
  if (value > SHAPE_MAX[field]) return `${field} must be at most ${SHAPE_MAX[field]}, got ${value}`;
  return null;
}

/**
 * Check an untrusted object is a Shape: exactly the seven fields, each an integer within bounds.
 * Throws ShapeError('SHAPE_INVALID') naming the first wrong field and its value; returns a frozen copy.
 */
export function validateShape(input: unknown): Shape {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ShapeError('SHAPE_INVALID', 'shape', input, `shape must be an object with fields ${SHAPE_FIELDS.join(', ')}`);
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(SHAPE_FIELDS as readonly string[]).includes(key)) {
      throw new ShapeError('SHAPE_INVALID', key, record[key], `unknown shape field "${key}"; fields are ${SHAPE_FIELDS.join(', ')}`);
    }
  }
  for (const field of SHAPE_FIELDS) {
    if (!(field in record)) throw new ShapeError('SHAPE_INVALID', field, undefined, `shape is missing ${field}`);
    const problem = shapeFieldProblem(field, record[field]);
    if (problem !== null) throw new ShapeError('SHAPE_INVALID', field, record[field], problem);
  }
  const { el, dl, dm, ff, nh, kv, vocab } = record as unknown as Shape;
  return Object.freeze({ el, dl, dm, ff, nh, kv, vocab });
}

/** True when two shapes have the same seven dimensions. */
export function sameShape(a: Shape, b: Shape): boolean {
  return SHAPE_FIELDS.every((f) => a[f] === b[f]);
}
