// Opaque pagination cursors: base64url of a small JSON object, validated with zod on the way back in. The `kind`
// ties a cursor to the listing that made it, so a results cursor handed to /v1/sweeps is a clean 400.
import { z } from 'zod';
import { ShapesweepError } from '@shapesweep/contract';

/** Upper bound on an encoded cursor, in characters: ours are ~100; anything much longer is not one of ours. */
const MAX_CURSOR_CHARS = 1024;

export function encodeCursor(kind: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ k: kind, p: position }), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor(kind, ...)`; throws 400 CURSOR_INVALID naming the `cursor` field otherwise. */
export function decodeCursor<S extends z.ZodType>(kind: string, cursor: string, schema: S): z.infer<S> {
  const invalid = (why: string): ShapesweepError =>
    new ShapesweepError('CURSOR_INVALID', `cursor: ${why}`, { details: [`querystring.cursor: ${why}`] });
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('not a cursor returned by this API');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor returned by this API');
  }
  const envelope = z.strictObject({ k: z.string(), p: z.unknown() }).safeParse(raw);
  if (!envelope.success) throw invalid('not a cursor returned by this API');
  if (envelope.data.k !== kind) throw invalid(`belongs to another listing (${envelope.data.k}), not ${kind}`);
  const position = schema.safeParse(envelope.data.p);
  if (!position.success) throw invalid('not a cursor returned by this API');
  return position.data;
}
