// The model shape (PAPER.md notation) and its parameter count under the T5 v1.0 counting rules.
import { z } from 'zod';
import { ShapesweepError } from '@shapesweep/contract';

/** Relative-position buckets per stack (T5). */
export const RELATIVE_BUCKETS = 32;
/** Distances at or beyond this share the last logarithmic bucket (T5). */
export const RELATIVE_MAX_DISTANCE = 128;

export const t5ShapeSchema = z.strictObject({
  /** Encoder layers. */
  el: z.number().int().min(1),
  /** Decoder layers. */
  dl: z.number().int().min(1),
  /** d_model, the residual width. */
  dm: z.number().int().min(1),
  /** d_ff, the feed-forward inner width. */
  ff: z.number().int().min(1),
  /** Attention heads. */
  nh: z.number().int().min(1),
  /** Per-head key/value width; attention inner width is nh·kv. */
  kv: z.number().int().min(1),
  /** Vocabulary size (tied input/output embedding). */
  vocab: z.number().int().min(2),
});
export type T5Shape = z.infer<typeof t5ShapeSchema>;

/** Validates a shape; errors name the field and the value. */
export function parseT5Shape(input: unknown): T5Shape {
  const parsed = t5ShapeSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ShapesweepError('SHAPE_INVALID', `model shape is not valid: ${details.join('; ')}`, { details });
  }
  return parsed.data;
}

/**
 * Trainable parameters of the T5 v1.0 model this package builds (PAPER.md counting rules): tied embedding V·DM;
 * per encoder layer 4·DM·NH·KV + 2·DM·FF + 2·DM; per decoder layer 8·DM·NH·KV + 2·DM·FF + 3·DM; 32·NH relative bias
 * and DM final norm per stack. Independent of @shapesweep/shapes on purpose: tests compare the two.
 */
export function t5ParamCount(s: T5Shape): number {
  const inner = s.nh * s.kv;
  const encoderLayer = 4 * s.dm * inner + 2 * s.dm * s.ff + 2 * s.dm;
  const decoderLayer = 8 * s.dm * inner + 2 * s.dm * s.ff + 3 * s.dm;
  const perStack = RELATIVE_BUCKETS * s.nh + s.dm;
  return s.vocab * s.dm + s.el * encoderLayer + s.dl * decoderLayer + 2 * perStack;
}
