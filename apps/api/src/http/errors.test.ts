import { describe, expect, it } from 'vitest';
import { ShapesweepError } from '@shapesweep/contract';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toErrorResponse } from './errors.js';

describe('toErrorResponse', () => {
  it('keeps the code, message and details of a 4xx ShapesweepError', () => {
    const out = toErrorResponse(new ShapesweepError('SWEEP_SPEC_INVALID', 'cells.names[0]: unknown', { details: ['cells.names[0]: unknown'] }));
    expect(out).toEqual({ status: 400, internal: false, body: { error: { code: 'SWEEP_SPEC_INVALID', message: 'cells.names[0]: unknown', details: ['cells.names[0]: unknown'] } } });
  });

  it('hides everything about an unexpected error behind Internal Server Error', () => {
    const out = toErrorResponse(new Error('password=hunter2 in connection string'));
    expect(out.status).toBe(500);
    expect(out.internal).toBe(true);
    expect(JSON.stringify(out.body)).not.toContain('hunter2');
    expect(out.body.error.message).toBe('Internal Server Error');
  });

  it('hides an internal catalogue error but keeps a 503 dependency error', () => {
    expect(toErrorResponse(new ShapesweepError('CONFIG_INVALID', 'secret detail')).body.error.message).toBe('Internal Server Error');
    expect(toErrorResponse(new ShapesweepError('QUEUE_UNAVAILABLE', 'Redis is down')).status).toBe(503);
  });

  it('maps Fastify body errors to catalogue codes that name the body', () => {
    const tooLarge = toErrorResponse(Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('BODY_TOO_LARGE');
    expect(tooLarge.body.error.details[0]).toMatch(/^body: /);
  });

  it('prefixes zod issues with their path', () => {
    const parsed = z.object({ a: z.array(z.number()) }).safeParse({ a: [1, 'x'] });
    const out = toErrorResponse(parsed.error);
    expect(out.status).toBe(400);
    expect(out.body.error.details[0]).toMatch(/^a\[1\]: /);
  });
});

describe('cursors', () => {
  const position = z.tuple([z.number(), z.string()]);

  it('round-trips a position exactly, floats included', () => {
    const cursor = encodeCursor('results:score', [0.1 + 0.2, 'run_x']);
    expect(decodeCursor('results:score', cursor, position)).toEqual([0.1 + 0.2, 'run_x']);
  });

  it.each([
    ['not base64url', '%%%'],
    ['base64url of non-JSON', Buffer.from('hello').toString('base64url')],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ k: 'results:score', p: { a: 1 } })).toString('base64url')],
    ['another listing', encodeCursor('sweeps', [1, 'x'])],
    ['far too long', 'a'.repeat(5000)],
  ])('rejects a cursor that is %s with CURSOR_INVALID naming the field', (_why, cursor) => {
    expect(() => decodeCursor('results:score', cursor, position)).toThrow(expect.objectContaining({ code: 'CURSOR_INVALID', details: [expect.stringMatching(/cursor/)] }));
  });
});
